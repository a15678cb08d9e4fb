// gRPC adapter of zizhu.pairing.v1.PairingService: one line per RPC, naming
// its row of PairingApp's table (see services/common/grpc/unary.h).
#pragma once

#include "services/common/grpc/unary.h"
#include "services/pairing/app/pairing_app.h"
#include "zizhu/pairing/v1/pairing_service.grpc.pb.h"

namespace zizhu::pairing {

class PairingGrpcService final : public v1::PairingService::CallbackService, public grpc_kit::Endpoint<PairingApp> {
 public:
  using Endpoint::Endpoint;
  using Reactor = grpc_kit::Reactor;
  using Ctx = grpc_kit::Ctx;

  Reactor* FormPair(Ctx* c, const v1::FormPairRequest* q, v1::FormPairResponse* r) override {
    return Call(c, q, r, &PairingApp::form_pair);
  }
  Reactor* EndPair(Ctx* c, const v1::EndPairRequest* q, v1::EndPairResponse* r) override {
    return Call(c, q, r, &PairingApp::end_pair);
  }
  Reactor* RecordActivity(Ctx* c, const v1::RecordActivityRequest* q, v1::RecordActivityResponse* r) override {
    return Call(c, q, r, &PairingApp::record_activity);
  }
  Reactor* SetPlan(Ctx* c, const v1::SetPlanRequest* q, v1::SetPlanResponse* r) override {
    return Call(c, q, r, &PairingApp::set_plan);
  }
  Reactor* DeclareTeachers(Ctx* c, const v1::DeclareTeachersRequest* q, v1::DeclareTeachersResponse* r) override {
    return Call(c, q, r, &PairingApp::declare_teachers);
  }
  Reactor* RotateTeacher(Ctx* c, const v1::RotateTeacherRequest* q, v1::RotateTeacherResponse* r) override {
    return Call(c, q, r, &PairingApp::rotate_teacher);
  }
  Reactor* GetPair(Ctx* c, const v1::GetPairRequest* q, v1::GetPairResponse* r) override {
    return Call(c, q, r, &PairingApp::get_pair);
  }
  Reactor* ListPairs(Ctx* c, const v1::ListPairsRequest* q, v1::ListPairsResponse* r) override {
    return Call(c, q, r, &PairingApp::list_pairs);
  }
  Reactor* GetProgress(Ctx* c, const v1::GetProgressRequest* q, v1::GetProgressResponse* r) override {
    return Call(c, q, r, &PairingApp::get_progress);
  }
  Reactor* ListMissedActivities(Ctx* c, const v1::ListMissedActivitiesRequest* q,
                                v1::ListMissedActivitiesResponse* r) override {
    return Call(c, q, r, &PairingApp::list_missed_activities);
  }
  Reactor* GetRotation(Ctx* c, const v1::GetRotationRequest* q, v1::GetRotationResponse* r) override {
    return Call(c, q, r, &PairingApp::get_rotation);
  }
};

}  // namespace zizhu::pairing
