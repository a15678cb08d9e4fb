#include "services/gateway/app/console_actions.h"

#include "services/disbursement/published/disbursement_actions.h"
#include "services/dropout/published/dropout_actions.h"
#include "services/pairing/published/pairing_actions.h"
#include "services/registry/published/registry_actions.h"
#include "services/subsidy/published/subsidy_actions.h"

namespace zizhu::gateway {

const std::vector<ConsoleAction>& ConsoleActions() {
  static const std::vector<ConsoleAction> actions = {
      {"Read", &auth::kRead},
      {"RevealPersonalData", &auth::kRevealPersonalData},
      {"ReadAudit", &auth::kReadAudit},
      {"Administer", &auth::kAdminister},
      {"WriteStudents", &registry::kWriteStudents},
      {"RegisterSchools", &registry::kRegisterSchools},
      {"ImportRosters", &registry::kImportRosters},
      {"ReadMatchQueues", &registry::kReadMatchQueues},
      {"PrepareAid", &subsidy::kPrepareAid},
      {"ReviewAid", &subsidy::kReviewAid},
      {"ApproveAid", &subsidy::kApproveAid},
      {"Disburse", &disbursement::kDisburse},
      {"KeepDropoutLedger", &dropout::kKeepDropoutLedger},
      {"ManagePairing", &pairing::kManagePairing},
  };
  return actions;
}

}  // namespace zizhu::gateway
