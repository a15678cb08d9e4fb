#include "services/registry/adapters/registry_grpc_service.h"

#include "services/common/grpc/unary_finish.h"

namespace zizhu::registry {
namespace {

template <typename T, typename Set>
grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* ctx, absl::StatusOr<T> result, Set set) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  Finisher<T>(reactor, set)(std::move(result));
  return reactor;
}

}  // namespace

grpc::ServerUnaryReactor* RegistryGrpcService::RegisterSchool(grpc::CallbackServerContext* ctx,
                                                              const v1::RegisterSchoolRequest* req,
                                                              v1::RegisterSchoolResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  app_->RegisterSchool(*req,
                       Finisher<v1::School>(reactor, [resp](v1::School s) { *resp->mutable_school() = std::move(s); }));
  return reactor;
}

grpc::ServerUnaryReactor* RegistryGrpcService::RegisterHousehold(grpc::CallbackServerContext* ctx,
                                                                 const v1::RegisterHouseholdRequest* req,
                                                                 v1::RegisterHouseholdResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  app_->RegisterHousehold(
      *req, Finisher<v1::Household>(reactor, [resp](v1::Household h) { *resp->mutable_household() = std::move(h); }));
  return reactor;
}

grpc::ServerUnaryReactor* RegistryGrpcService::RegisterStudent(grpc::CallbackServerContext* ctx,
                                                               const v1::RegisterStudentRequest* req,
                                                               v1::RegisterStudentResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  app_->RegisterStudent(
      *req, Finisher<v1::Student>(reactor, [resp](v1::Student s) { *resp->mutable_student() = std::move(s); }));
  return reactor;
}

grpc::ServerUnaryReactor* RegistryGrpcService::UpdateStudentAttributes(grpc::CallbackServerContext* ctx,
                                                                       const v1::UpdateStudentAttributesRequest* req,
                                                                       v1::UpdateStudentAttributesResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  app_->UpdateStudentAttributes(
      *req, Finisher<v1::Student>(reactor, [resp](v1::Student s) { *resp->mutable_student() = std::move(s); }));
  return reactor;
}

grpc::ServerUnaryReactor* RegistryGrpcService::ChangeEnrolmentStatus(grpc::CallbackServerContext* ctx,
                                                                     const v1::ChangeEnrolmentStatusRequest* req,
                                                                     v1::ChangeEnrolmentStatusResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  app_->ChangeEnrolmentStatus(
      *req, Finisher<v1::Student>(reactor, [resp](v1::Student s) { *resp->mutable_student() = std::move(s); }));
  return reactor;
}

grpc::ServerUnaryReactor* RegistryGrpcService::AssignResponsiblePeople(grpc::CallbackServerContext* ctx,
                                                                       const v1::AssignResponsiblePeopleRequest* req,
                                                                       v1::AssignResponsiblePeopleResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  app_->AssignResponsiblePeople(
      *req, Finisher<v1::Student>(reactor, [resp](v1::Student s) { *resp->mutable_student() = std::move(s); }));
  return reactor;
}

grpc::ServerUnaryReactor* RegistryGrpcService::GetStudent(grpc::CallbackServerContext* ctx,
                                                          const v1::GetStudentRequest* req,
                                                          v1::GetStudentResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  app_->GetStudent(*req,
                   Finisher<v1::Student>(reactor, [resp](v1::Student s) { *resp->mutable_student() = std::move(s); }));
  return reactor;
}

grpc::ServerUnaryReactor* RegistryGrpcService::FindStudentByNationalId(grpc::CallbackServerContext* ctx,
                                                                       const v1::FindStudentByNationalIdRequest* req,
                                                                       v1::FindStudentByNationalIdResponse* resp) {
  auto* reactor = ctx->DefaultReactor();
  app_->FindStudentByNationalId(
      *req, Finisher<v1::Student>(reactor, [resp](v1::Student s) { *resp->mutable_student() = std::move(s); }));
  return reactor;
}

grpc::ServerUnaryReactor* RegistryGrpcService::ListStudents(grpc::CallbackServerContext* ctx,
                                                            const v1::ListStudentsRequest* req,
                                                            v1::ListStudentsResponse* resp) {
  return FinishNow(ctx, app_->ListStudents(*req), [resp](v1::ListStudentsResponse r) { *resp = std::move(r); });
}

grpc::ServerUnaryReactor* RegistryGrpcService::GetSchool(grpc::CallbackServerContext* ctx,
                                                         const v1::GetSchoolRequest* req, v1::GetSchoolResponse* resp) {
  return FinishNow(ctx, app_->GetSchool(req->school_code()),
                   [resp](v1::School s) { *resp->mutable_school() = std::move(s); });
}

grpc::ServerUnaryReactor* RegistryGrpcService::ListSchools(grpc::CallbackServerContext* ctx,
                                                           const v1::ListSchoolsRequest* req,
                                                           v1::ListSchoolsResponse* resp) {
  return FinishNow(ctx, app_->ListSchools(*req), [resp](v1::ListSchoolsResponse r) { *resp = std::move(r); });
}

grpc::ServerUnaryReactor* RegistryGrpcService::GetHousehold(grpc::CallbackServerContext* ctx,
                                                            const v1::GetHouseholdRequest* req,
                                                            v1::GetHouseholdResponse* resp) {
  return FinishNow(ctx, app_->GetHousehold(req->household_number()),
                   [resp](v1::Household h) { *resp->mutable_household() = std::move(h); });
}

}  // namespace zizhu::registry
