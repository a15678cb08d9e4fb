// gRPC adapter of the registry (callback API): converts nothing but status
// codes; every request goes to RegistryApp. Commands finish their RPC from the
// command processor's thread once the events are durable, so no gRPC thread
// waits on the log.
#pragma once

#include "services/registry/app/registry_app.h"
#include "zizhu/registry/v1/registry_service.grpc.pb.h"

namespace zizhu::registry {

class RegistryGrpcService final : public v1::RegistryService::CallbackService {
 public:
  explicit RegistryGrpcService(RegistryApp* app) : app_(app) {}

  grpc::ServerUnaryReactor* RegisterSchool(grpc::CallbackServerContext* ctx, const v1::RegisterSchoolRequest* req,
                                           v1::RegisterSchoolResponse* resp) override;
  grpc::ServerUnaryReactor* RegisterHousehold(grpc::CallbackServerContext* ctx, const v1::RegisterHouseholdRequest* req,
                                              v1::RegisterHouseholdResponse* resp) override;
  grpc::ServerUnaryReactor* RegisterStudent(grpc::CallbackServerContext* ctx, const v1::RegisterStudentRequest* req,
                                            v1::RegisterStudentResponse* resp) override;
  grpc::ServerUnaryReactor* UpdateStudentAttributes(grpc::CallbackServerContext* ctx,
                                                    const v1::UpdateStudentAttributesRequest* req,
                                                    v1::UpdateStudentAttributesResponse* resp) override;
  grpc::ServerUnaryReactor* ChangeEnrolmentStatus(grpc::CallbackServerContext* ctx,
                                                  const v1::ChangeEnrolmentStatusRequest* req,
                                                  v1::ChangeEnrolmentStatusResponse* resp) override;
  grpc::ServerUnaryReactor* AssignResponsiblePeople(grpc::CallbackServerContext* ctx,
                                                    const v1::AssignResponsiblePeopleRequest* req,
                                                    v1::AssignResponsiblePeopleResponse* resp) override;
  grpc::ServerUnaryReactor* GetStudent(grpc::CallbackServerContext* ctx, const v1::GetStudentRequest* req,
                                       v1::GetStudentResponse* resp) override;
  grpc::ServerUnaryReactor* FindStudentByNationalId(grpc::CallbackServerContext* ctx,
                                                    const v1::FindStudentByNationalIdRequest* req,
                                                    v1::FindStudentByNationalIdResponse* resp) override;
  grpc::ServerUnaryReactor* ListStudents(grpc::CallbackServerContext* ctx, const v1::ListStudentsRequest* req,
                                         v1::ListStudentsResponse* resp) override;
  grpc::ServerUnaryReactor* GetSchool(grpc::CallbackServerContext* ctx, const v1::GetSchoolRequest* req,
                                      v1::GetSchoolResponse* resp) override;
  grpc::ServerUnaryReactor* ListSchools(grpc::CallbackServerContext* ctx, const v1::ListSchoolsRequest* req,
                                        v1::ListSchoolsResponse* resp) override;
  grpc::ServerUnaryReactor* GetHousehold(grpc::CallbackServerContext* ctx, const v1::GetHouseholdRequest* req,
                                         v1::GetHouseholdResponse* resp) override;

 private:
  RegistryApp* app_;
};

}  // namespace zizhu::registry
