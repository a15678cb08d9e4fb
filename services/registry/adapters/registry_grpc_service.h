// gRPC adapter of zizhu.registry.v1.RegistryService: one line per RPC naming
// the RegistryApp method that serves it (see services/common/grpc/unary.h).
#pragma once

#include "services/common/grpc/unary.h"
#include "services/registry/app/registry_app.h"
#include "zizhu/registry/v1/registry_service.grpc.pb.h"

namespace zizhu::registry {

class RegistryGrpcService final : public v1::RegistryService::CallbackService, public grpc_kit::Endpoint<RegistryApp> {
 public:
  using Endpoint::Endpoint;
  using Reactor = grpc_kit::Reactor;
  using Ctx = grpc_kit::Ctx;

  Reactor* RegisterSchool(Ctx* c, const v1::RegisterSchoolRequest* q, v1::RegisterSchoolResponse* r) override {
    return Call(c, q, r, &RegistryApp::RegisterSchool);
  }
  Reactor* RegisterHousehold(Ctx* c, const v1::RegisterHouseholdRequest* q, v1::RegisterHouseholdResponse* r) override {
    return Call(c, q, r, &RegistryApp::RegisterHousehold);
  }
  Reactor* RegisterStudent(Ctx* c, const v1::RegisterStudentRequest* q, v1::RegisterStudentResponse* r) override {
    return Call(c, q, r, &RegistryApp::RegisterStudent);
  }
  Reactor* UpdateStudentAttributes(Ctx* c, const v1::UpdateStudentAttributesRequest* q,
                                   v1::UpdateStudentAttributesResponse* r) override {
    return Call(c, q, r, &RegistryApp::UpdateStudentAttributes);
  }
  Reactor* ChangeEnrolmentStatus(Ctx* c, const v1::ChangeEnrolmentStatusRequest* q,
                                 v1::ChangeEnrolmentStatusResponse* r) override {
    return Call(c, q, r, &RegistryApp::ChangeEnrolmentStatus);
  }
  Reactor* RecordTransferIn(Ctx* c, const v1::RecordTransferInRequest* q, v1::RecordTransferInResponse* r) override {
    return Call(c, q, r, &RegistryApp::RecordTransferIn);
  }
  Reactor* AssignResponsiblePeople(Ctx* c, const v1::AssignResponsiblePeopleRequest* q,
                                   v1::AssignResponsiblePeopleResponse* r) override {
    return Call(c, q, r, &RegistryApp::AssignResponsiblePeople);
  }
  Reactor* GetStudent(Ctx* c, const v1::GetStudentRequest* q, v1::GetStudentResponse* r) override {
    return Call(c, q, r, &RegistryApp::GetStudent);
  }
  Reactor* FindStudentByNationalId(Ctx* c, const v1::FindStudentByNationalIdRequest* q,
                                   v1::FindStudentByNationalIdResponse* r) override {
    return Call(c, q, r, &RegistryApp::FindStudentByNationalId);
  }
  Reactor* ListStudents(Ctx* c, const v1::ListStudentsRequest* q, v1::ListStudentsResponse* r) override {
    return Call(c, q, r, &RegistryApp::ListStudents);
  }
  Reactor* GetSchool(Ctx* c, const v1::GetSchoolRequest* q, v1::GetSchoolResponse* r) override {
    return Call(c, q, r, &RegistryApp::GetSchool);
  }
  Reactor* ListSchools(Ctx* c, const v1::ListSchoolsRequest* q, v1::ListSchoolsResponse* r) override {
    return Call(c, q, r, &RegistryApp::ListSchools);
  }
  Reactor* ListPersonalDataReveals(Ctx* c, const v1::ListPersonalDataRevealsRequest* q,
                                   v1::ListPersonalDataRevealsResponse* r) override {
    return Call(c, q, r, &RegistryApp::ListPersonalDataReveals);
  }
  Reactor* GetHousehold(Ctx* c, const v1::GetHouseholdRequest* q, v1::GetHouseholdResponse* r) override {
    return Call(c, q, r, &RegistryApp::GetHousehold);
  }
};

}  // namespace zizhu::registry
