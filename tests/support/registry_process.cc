#include "tests/support/registry_process.h"

namespace zizhu::testing_support {

RegistryProcess::RegistryProcess(const RegistryProcessOptions& o)
    : process_(ServiceProcessOptions{ZIZHU_REGISTRY_BINARY,
                                     o.bootstrap,
                                     o.topic,
                                     o.instance_id,
                                     o.data_dir,
                                     o.partitions,
                                     {"--key-file", o.key_file, "--create-key-if-missing"},
                                     ""}) {}

bool RegistryProcess::Start() {
  if (!process_.Start()) return false;
  stub_ = registry::v1::RegistryService::NewStub(process_.channel());
  return true;
}

}  // namespace zizhu::testing_support
