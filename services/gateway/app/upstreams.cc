#include "services/gateway/app/upstreams.h"

#include "zizhu/disbursement/v1/disbursement_service.pb.h"
#include "zizhu/dropout/v1/dropout_service.pb.h"
#include "zizhu/identity/v1/identity_service.pb.h"
#include "zizhu/pairing/v1/pairing_service.pb.h"
#include "zizhu/registry/v1/registry_service.pb.h"
#include "zizhu/registry/v1/roster_service.pb.h"
#include "zizhu/subsidy/v1/subsidy_service.pb.h"

namespace zizhu::gateway {

std::vector<Upstream> GatewayUpstreams(
    const UpstreamAddresses& a, const std::function<std::shared_ptr<grpc::Channel>(const std::string&)>& channel) {
  auto registry_channel = channel(a.registry);
  return {{"identity", ServiceOf<identity::v1::LoginRequest>("IdentityService"), channel(a.identity), {"Login"}},
          {"registry", ServiceOf<registry::v1::ListStudentsRequest>("RegistryService"), registry_channel, {}},
          {"roster", ServiceOf<registry::v1::AppendRosterRowsRequest>("RosterService"), registry_channel, {}},
          {"subsidy", ServiceOf<subsidy::v1::OpenRoundRequest>("SubsidyService"), channel(a.subsidy), {}},
          {"disbursement",
           ServiceOf<disbursement::v1::AllocateFundsRequest>("DisbursementService"),
           channel(a.disbursement),
           {}},
          {"dropout", ServiceOf<dropout::v1::OpenCaseRequest>("DropoutService"), channel(a.dropout), {}},
          {"pairing", ServiceOf<pairing::v1::FormPairRequest>("PairingService"), channel(a.pairing), {}}};
}

}  // namespace zizhu::gateway
