// Who may call what: every RPC of the disbursement service with no, expired
// and forged tokens, and as each role from another scope (another county's
// officer and auditor, another city's administrator, a school's operator and
// reviewer): refused (UNAUTHENTICATED, PERMISSION_DENIED or NOT_FOUND), or an
// empty listing — never county 210102's accounts, payments or card numbers.
#include <map>
#include <set>

#include "gtest/gtest.h"
#include "services/common/testing/access_table.h"
#include "services/disbursement/disbursement.h"
#include "services/subsidy/tests/subsidy_harness.h"

namespace zizhu::disbursement {
namespace {

using auth::Caller;
using auth::Role;
using subsidy::testing::Invoke;
using subsidy::testing::Meta;

v1::AccountKey Key() {
  v1::AccountKey key;
  key.set_county_code("210102");
  key.set_source(subsidy::v1::FUND_SOURCE_CENTRAL);
  key.set_semester("2026-spring");
  return key;
}

class DisbursementAccessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = std::make_unique<subsidy::testing::SubsidyUnderTest>(
        absl::StrCat("disb_access_", ::testing::UnitTest::GetInstance()->current_test_info()->name()),
        subsidy::testing::ChinaTime(2026, 2, 2));
    service_ = std::make_unique<Disbursement>(DisbursementOptions{}, env_->vault_.get());
    service::ServiceHostOptions host;
    host.city = "2101";  // the deployment's city: its administrators administer the projection
    harness_ = testing_kit::ServiceHarness::Start(service_.get(), env_->topics_, "zizhu.disbursement.events.v1",
                                                  &env_->clock_, env_->dir_ + "/disbursement", host)
                   .value();
    // County 210102 has an account with an allocation.
    auto stub = v1::DisbursementService::NewStub(harness_->channel());
    v1::AllocateFundsRequest allocate;
    *allocate.mutable_meta() = Meta("seed-allocation");
    *allocate.mutable_account() = Key();
    allocate.set_fen(123456789);
    allocate.set_document_ref("财教〔2026〕秘密号");
    v1::AllocateFundsResponse allocated;
    ASSERT_TRUE(Invoke(stub.get(), &v1::DisbursementService::Stub::AllocateFunds, allocate, &allocated).ok());
  }
  void TearDown() override {
    harness_.reset();
    env_.reset();
  }

  std::map<std::string, std::string> Requests() const {
    const std::string s = "/zizhu.disbursement.v1.DisbursementService/";
    std::map<std::string, std::string> r;
    {
      v1::AllocateFundsRequest q;
      *q.mutable_meta() = Meta("a-allocate");
      *q.mutable_account() = Key();
      q.set_fen(1);
      q.set_document_ref("x");
      r[s + "AllocateFunds"] = q.SerializeAsString();
    }
    {
      v1::BuildBatchRequest q;
      *q.mutable_meta() = Meta("a-batch");
      *q.mutable_account() = Key();
      q.set_batch_id("B1");
      q.set_bank("x");
      r[s + "BuildBatch"] = q.SerializeAsString();
    }
    {
      v1::ExportBankFileRequest q;
      *q.mutable_meta() = Meta("a-export");
      *q.mutable_account() = Key();
      q.set_batch_id("B1");
      r[s + "ExportBankFile"] = q.SerializeAsString();
    }
    {
      v1::RecordBankReturnRequest q;
      *q.mutable_meta() = Meta("a-return");
      *q.mutable_account() = Key();
      q.set_batch_id("B1");
      r[s + "RecordBankReturn"] = q.SerializeAsString();
    }
    {
      v1::RetryPaymentsRequest q;
      *q.mutable_meta() = Meta("a-retry");
      *q.mutable_account() = Key();
      q.add_payment_ids("p");
      q.set_note("x");
      r[s + "RetryPayments"] = q.SerializeAsString();
    }
    {
      v1::ReversePaymentRequest q;
      *q.mutable_meta() = Meta("a-reverse");
      *q.mutable_account() = Key();
      q.set_reference("p#1");
      q.set_fen(100);
      q.set_reason("x");
      r[s + "ReversePayment"] = q.SerializeAsString();
    }
    {
      v1::RecoverOverpaymentRequest q;
      *q.mutable_meta() = Meta("a-recover");
      *q.mutable_account() = Key();
      q.set_payment_id("p");
      q.set_fen(100);
      q.set_document_ref("x");
      r[s + "RecoverOverpayment"] = q.SerializeAsString();
    }
    {
      v1::GetAccountRequest q;
      *q.mutable_account() = Key();
      r[s + "GetAccount"] = q.SerializeAsString();
    }
    {
      v1::ListPaymentsRequest q;
      *q.mutable_account() = Key();
      r[s + "ListPayments"] = q.SerializeAsString();
    }
    {
      v1::ListAccountsRequest q;
      q.set_semester("2026-spring");
      r[s + "ListAccounts"] = q.SerializeAsString();
      q.set_county_code("210102");
      r[s + "ListAccounts#county"] = q.SerializeAsString();
    }
    {
      v1::ReconcileRequest q;
      q.set_semester("2026-spring");
      r[s + "Reconcile"] = q.SerializeAsString();
      q.set_county_code("210102");
      r[s + "Reconcile#county"] = q.SerializeAsString();
    }
    {
      v1::ListPersonalDataExportsRequest q;
      r[s + "ListPersonalDataExports"] = q.SerializeAsString();
      q.set_county_code("210102");
      r[s + "ListPersonalDataExports#county"] = q.SerializeAsString();
    }
    testing_kit::AddProjectionAdminRows(r);
    return r;
  }

  std::unique_ptr<subsidy::testing::SubsidyUnderTest> env_;
  std::unique_ptr<Disbursement> service_;
  std::unique_ptr<testing_kit::ServiceHarness> harness_;
};

TEST_F(DisbursementAccessTest, TheTableNamesEveryMethod) {
  testing_kit::ExpectEveryMethodHasARow(
      Requests(), {"zizhu.disbursement.v1.DisbursementService", "zizhu.common.v1.ProjectionAdminService"});
}

TEST_F(DisbursementAccessTest, NoExpiredOrForgedTokenIsUnauthenticatedEverywhere) {
  testing_kit::ExpectUnauthenticatedEverywhere(*harness_, env_->clock_, Requests());
}

TEST_F(DisbursementAccessTest, EveryRoleFromAnotherScopeGetsNothingOfTheCounty) {
  const std::set<std::string> may_succeed = {
      "/zizhu.disbursement.v1.DisbursementService/ListAccounts",  // own scope: empty
      "/zizhu.disbursement.v1.DisbursementService/Reconcile",
      "/zizhu.disbursement.v1.DisbursementService/ListPersonalDataExports",  // an auditor's own scope: empty
  };
  const std::vector<Caller> callers = {
      {"op-b", Role::kSchoolOperator, "210103000002", "t1"}, {"rev-b", Role::kReviewer, "210103000002", "t2"},
      {"officer-c", Role::kCountyOfficer, "210103", "t3"},   {"auditor-c", Role::kAuditor, "210103", "t4"},
      {"admin-x", Role::kCityAdmin, "2201", "t5"},
  };
  testing_kit::ExpectNothingOfTheScope(*harness_, callers, Requests(), may_succeed,
                                       {"210102/CENTRAL", "秘密号", "1234567"});
}

}  // namespace
}  // namespace zizhu::disbursement
