#include "services/gateway/app/openapi.h"

#include <nlohmann/json.hpp>
#include <set>

#include "absl/strings/str_cat.h"
#include "libs/reasons/reasons.h"
#include "services/common/core/enum_label.h"
#include "services/gateway/app/console_actions.h"
#include "zizhu/disbursement/v1/disbursement_service.pb.h"

namespace zizhu::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using nlohmann::ordered_json;

std::string Ref(const Descriptor* d) { return absl::StrCat("#/components/schemas/", d->full_name()); }

ordered_json FieldSchema(const FieldDescriptor* f, std::vector<const Descriptor*>& pending) {
  ordered_json s;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_UINT32:
      s = {{"type", "integer"}, {"format", "int32"}};
      break;
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT64:  // protobuf's JSON mapping writes 64-bit integers as strings
      s = {{"type", "string"}, {"format", "int64"}};
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      s = {{"type", "number"}};
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      s = {{"type", "boolean"}};
      break;
    case FieldDescriptor::CPPTYPE_STRING:
      s = f->type() == FieldDescriptor::TYPE_BYTES ? ordered_json{{"type", "string"}, {"format", "byte"}}
                                                   : ordered_json{{"type", "string"}};
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      ordered_json values = ordered_json::array();
      ordered_json labels = ordered_json::object();  // the operators' words, Chinese and English
      for (int i = 0; i < f->enum_type()->value_count(); ++i) {
        const google::protobuf::EnumValueDescriptor* value = f->enum_type()->value(i);
        values.push_back(value->name());
        const std::string zh = EnumLabel(value, true), en = EnumLabel(value, false);
        if (zh != value->name()) labels[value->name()] = {zh, en};
      }
      s = {{"type", "string"}, {"enum", values}};
      if (!labels.empty()) s["x-labels"] = labels;
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Descriptor* d = f->message_type();
      if (d->full_name() == "google.protobuf.Timestamp") {
        s = {{"type", "string"}, {"format", "date-time"}};
      } else if (d->full_name() == "google.protobuf.Any") {
        s = {{"type", "object"}};
      } else if (f->is_map()) {
        s = {{"type", "object"}, {"additionalProperties", FieldSchema(d->map_value(), pending)}};
        return s;
      } else {
        pending.push_back(d);
        s = {{"$ref", Ref(d)}};
      }
      break;
    }
  }
  if (f->is_repeated()) return {{"type", "array"}, {"items", s}};
  return s;
}

ordered_json MessageSchema(const Descriptor* d, std::vector<const Descriptor*>& pending) {
  ordered_json properties = ordered_json::object();
  for (int i = 0; i < d->field_count(); ++i) {
    properties[d->field(i)->name()] = FieldSchema(d->field(i), pending);
  }
  return {{"type", "object"}, {"properties", properties}};
}

ordered_json ErrorResponse(const std::string& what) {
  return {{"description", what},
          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

}  // namespace

std::string OpenApiJson(const RpcBridge& bridge) {
  ordered_json doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = {{"title", "zizhu gateway"},
                 {"version", "v1"},
                 {"description",
                  "HTTP/JSON over the zizhu gRPC services (protobuf JSON mapping). Log in with POST "
                  "/api/v1/session; send the session cookie and, on every POST and DELETE, the X-CSRF-Token "
                  "header the login returned. gRPC codes map to HTTP statuses; errors are {code, message} and, for a "
                  "refusal with a reason, {reason, params} (google.rpc.ErrorInfo; words in x-reasons)."}};
  ordered_json paths = ordered_json::object();
  paths["/api/v1/session"] = {
      {"post",
       {{"summary", "log in (sets the session cookie; returns the CSRF token)"},
        {"responses", {{"200", {{"description", "logged in"}}}, {"401", ErrorResponse("wrong login or password")}}}}},
      {"get",
       {{"summary", "who is logged in"},
        {"responses", {{"200", {{"description", "the session"}}}, {"401", ErrorResponse("no session")}}}}},
      {"delete", {{"summary", "log out"}, {"responses", {{"204", {{"description", "logged out"}}}}}}}};
  const ordered_json session_errors = {
      {"401", ErrorResponse("no session, or it expired")},
      {"403", ErrorResponse("the CSRF token is missing or wrong, or the role may not")},
      {"404", ErrorResponse("not found, or outside the caller's scope")}};
  auto with = [&](ordered_json responses) {
    for (const auto& [code, r] : session_errors.items()) responses[code] = r;
    return responses;
  };
  const ordered_json multipart = {{"required", true},
                                  {"content", {{"multipart/form-data", {{"schema", {{"type", "object"}}}}}}}};
  paths["/api/v1/imports"] = {
      {"post",
       {{"summary",
         "upload a roster (fields: source = students|poverty|civil|status, file = CSV, XLSX or XLS; "
         "optional dry_run = 1 for a preview of a student roster, mapping = \"field = header\" lines); "
         "it is imported in the background as the caller"},
        {"requestBody", multipart},
        {"responses", with({{"202", {{"description", "{job_id}"}}}, {"400", ErrorResponse("no such source")}})}}}};
  paths["/api/v1/imports/{job_id}"] = {
      {"get",
       {{"summary", "an import's progress (done/total), counts and row errors (the caller's own imports)"},
        {"responses", with({{"200", {{"description", "the job"}}}})}}}};
  paths["/api/v1/imports/{job_id}/errors.csv"] = {
      {"get",
       {{"summary", "the import's error report (CSV, UTF-8 with BOM; ?lang=zh (default) or en)"},
        {"responses", with({{"200", {{"description", "CSV"}}}})}}}};
  paths["/api/v1/bank-files"] = {
      {"post",
       {{"summary",
         "a batch's bank file (ExportBankFileRequest as JSON; ?format=csv|xlsx, ?encoding=gbk|utf-8); "
         "card numbers in clear, audited"},
        {"requestBody",
         {{"required", true},
          {"content",
           {{"application/json",
             {{"schema", {{"$ref", "#/components/schemas/zizhu.disbursement.v1.ExportBankFileRequest"}}}}}}}}},
        {"responses", with({{"200", {{"description", "the file"}}}})}}}};
  paths["/api/v1/bank-returns"] = {
      {"post",
       {{"summary",
         "the bank's return file of a batch (fields: request = RecordBankReturnRequest JSON without "
         "lines, file = CSV or XLSX); whole or nothing"},
        {"requestBody", multipart},
        {"responses",
         with({{"200", {{"description", "RecordBankReturnResponse"}}}, {"400", ErrorResponse("a bad line")}})}}}};
  paths["/api/v1/reports"] = {{"get",
                               {{"summary", "the report files the caller may read"},
                                {"responses", with({{"200", {{"description", "{reports}"}}}})}}}};
  paths["/api/v1/reports/{file}"] = {
      {"get",
       {{"summary", "one report file (XLSX or JSON)"}, {"responses", with({{"200", {{"description", "the file"}}}})}}}};
  std::vector<const Descriptor*> pending;
  pending.push_back(disbursement::v1::ExportBankFileRequest::descriptor());
  for (const auto& [service, m] : bridge.Methods()) {
    pending.push_back(m->input_type());
    pending.push_back(m->output_type());
    paths[absl::StrCat("/api/v1/", service, "/", m->name())] = {
        {"post",
         {{"operationId", absl::StrCat(service, ".", m->name())},
          {"tags", {service}},
          {"requestBody",
           {{"required", false}, {"content", {{"application/json", {{"schema", {{"$ref", Ref(m->input_type())}}}}}}}}},
          {"responses",
           {{"200",
             {{"description", "OK"},
              {"content", {{"application/json", {{"schema", {{"$ref", Ref(m->output_type())}}}}}}}}},
            {"400", ErrorResponse("bad input or a business rule (the message says which field and value)")},
            {"401", ErrorResponse("no session, or it expired")},
            {"403", ErrorResponse("the role may not do this, or the CSRF token is missing")},
            {"404", ErrorResponse("not found, or outside the caller's scope")},
            {"409", ErrorResponse("already exists, or a version conflict")}}}}}};
  }
  ordered_json schemas = ordered_json::object();
  ordered_json error_properties = ordered_json::object();
  error_properties["code"] = {{"type", "string"}};
  error_properties["message"] = {{"type", "string"}};
  error_properties["reason"] = {{"type", "string"}};
  error_properties["params"] = {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}};
  schemas["Error"] = {{"type", "object"}, {"properties", error_properties}};
  std::set<std::string> done;
  while (!pending.empty()) {
    const Descriptor* d = pending.back();
    pending.pop_back();
    if (!done.insert(d->full_name()).second) continue;
    schemas[d->full_name()] = MessageSchema(d, pending);
  }
  doc["paths"] = paths;
  doc["components"] = {{"schemas", schemas}};
  // Which roles may do what (the services' published actions): the console
  // offers a form only to those it would not refuse.
  ordered_json actions = ordered_json::object();
  for (const ConsoleAction& a : ConsoleActions()) {
    ordered_json roles = ordered_json::array();
    for (auth::Role role : {auth::Role::kCityAdmin, auth::Role::kCountyOfficer, auth::Role::kSchoolOperator,
                            auth::Role::kReviewer, auth::Role::kAuditor, auth::Role::kService, auth::Role::kAgency}) {
      if (a.action->roles.Has(role)) roles.push_back(auth::RoleEnumName(role));
    }
    actions[a.key] = {{"name", a.action->name}, {"zh", a.action->zh}, {"roles", roles}};
  }
  doc["x-actions"] = actions;
  // The words of every refusal reason (libs/reasons/reasons.tsv): the console
  // says a refusal in the operator's language from its reason and parameters.
  ordered_json reasons = ordered_json::object();
  for (const auto& [key, words] : reasons::Catalogue()) reasons[key] = {words.zh, words.en};
  doc["x-reasons"] = reasons;
  return doc.dump(1);
}

}  // namespace zizhu::gateway
