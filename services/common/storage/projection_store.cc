#include "services/common/storage/projection_store.h"

#include <openssl/evp.h>

#include <filesystem>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "rocksdb/table.h"
#include "services/common/core/status_macros.h"

namespace zizhu::storage {

namespace {
constexpr char kOffsetPrefix[] = "~offset/";
}

absl::Status FromRocks(const rocksdb::Status& status, const std::string& what) {
  if (status.ok()) return absl::OkStatus();
  std::string message = absl::StrCat(what, ": ", status.ToString());
  if (status.IsCorruption()) return absl::DataLossError(message);
  if (status.IsInvalidArgument()) return absl::InvalidArgumentError(message);
  return absl::UnavailableError(message);
}

std::string AppliedOffsetKey(const std::string& topic, es::PartitionId partition) {
  return absl::StrFormat("%s%s/%06d", kOffsetPrefix, topic, partition);
}

ProjectionBatch::ProjectionBatch(rocksdb::DB* db) : db_(db), batch_(rocksdb::BytewiseComparator(), 0, true) {}

absl::StatusOr<std::optional<std::string>> ProjectionBatch::Get(const std::string& key) {
  std::string value;
  rocksdb::Status s = batch_.GetFromBatchAndDB(db_, rocksdb::ReadOptions(), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  RETURN_IF_ERROR(FromRocks(s, absl::StrCat("read of key '", key, "'")));
  return std::optional<std::string>(std::move(value));
}

absl::Status ProjectionBatch::Scan(const std::string& prefix,
                                   const std::function<bool(const std::string&, const std::string&)>& visit) {
  std::unique_ptr<rocksdb::Iterator> it(batch_.NewIteratorWithBase(db_->NewIterator(rocksdb::ReadOptions())));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (!visit(it->key().ToString(), it->value().ToString())) break;
  }
  return FromRocks(it->status(), absl::StrCat("scan of '", prefix, "'"));
}

void ProjectionBatch::Put(const std::string& key, const std::string& value) { batch_.Put(key, value); }
void ProjectionBatch::Delete(const std::string& key) { batch_.Delete(key); }

void ProjectionBatch::RecordAppliedOffset(const std::string& topic, es::PartitionId partition, LogOffset next_offset) {
  batch_.Put(AppliedOffsetKey(topic, partition), std::to_string(next_offset.value()));
}

void ProjectionBatch::SetSavePoint() { batch_.SetSavePoint(); }
void ProjectionBatch::RollbackToSavePoint() { batch_.RollbackToSavePoint().PermitUncheckedError(); }
void ProjectionBatch::PopSavePoint() { batch_.PopSavePoint().PermitUncheckedError(); }
size_t ProjectionBatch::count() const {
  return const_cast<rocksdb::WriteBatchWithIndex&>(batch_).GetWriteBatch()->Count();
}

absl::StatusOr<std::unique_ptr<ProjectionStore>> ProjectionStore::Open(ProjectionStoreOptions options) {
  if (options.path.empty()) return absl::InvalidArgumentError("projection store path is empty");
  std::unique_ptr<ProjectionStore> store(new ProjectionStore(std::move(options)));
  RETURN_IF_ERROR(store->OpenDb());
  return store;
}

ProjectionStore::~ProjectionStore() {
  if (db_) db_->Close().PermitUncheckedError();
}

absl::Status ProjectionStore::OpenDb() {
  std::error_code ec;
  std::filesystem::create_directories(options_.path, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot create '", options_.path, "': ", ec.message()));
  rocksdb::Options opts;
  opts.create_if_missing = true;
  opts.IncreaseParallelism(2);
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options_.block_cache_bytes);
  opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(opts, options_.path, &raw),
                            absl::StrCat("open projection store '", options_.path, "'")));
  db_.reset(raw);
  return absl::OkStatus();
}

absl::Status ProjectionStore::Commit(ProjectionBatch& batch) {
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync_writes;
  return FromRocks(db_->Write(wo, batch.write_batch()), "projection commit");
}

absl::StatusOr<std::optional<std::string>> ProjectionStore::Get(const std::string& key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  RETURN_IF_ERROR(FromRocks(s, absl::StrCat("read of key '", key, "'")));
  return std::optional<std::string>(std::move(value));
}

absl::Status ProjectionStore::Scan(const std::string& prefix, const std::string& start,
                                   const std::function<bool(const std::string&, const std::string&)>& visit) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(start.empty() ? prefix : start); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (!visit(it->key().ToString(), it->value().ToString())) break;
  }
  return FromRocks(it->status(), absl::StrCat("scan of '", prefix, "'"));
}

absl::StatusOr<es::OffsetMap> ProjectionStore::LoadAppliedOffsets(const std::string& topic) const {
  es::OffsetMap offsets;
  std::string prefix = absl::StrCat(kOffsetPrefix, topic, "/");
  absl::Status parse_error;
  RETURN_IF_ERROR(Scan(prefix, "", [&](const std::string& key, const std::string& value) {
    int32_t partition = 0;
    int64_t offset = 0;
    if (!absl::SimpleAtoi(key.substr(prefix.size()), &partition) || !absl::SimpleAtoi(value, &offset)) {
      parse_error = absl::DataLossError(absl::StrCat("bad applied-offset row '", key, "' = '", value, "'"));
      return false;
    }
    offsets[partition] = LogOffset(offset);
    return true;
  }));
  RETURN_IF_ERROR(parse_error);
  return offsets;
}

absl::Status ProjectionStore::Wipe() {
  RETURN_IF_ERROR(FromRocks(db_->Close(), "close projection store"));
  db_.reset();
  RETURN_IF_ERROR(FromRocks(rocksdb::DestroyDB(options_.path, rocksdb::Options()),
                            absl::StrCat("destroy projection store '", options_.path, "'")));
  return OpenDb();
}

absl::StatusOr<StoreChecksum> ProjectionStore::Checksum() const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  StoreChecksum result;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    uint64_t lengths[2] = {it->key().size(), it->value().size()};
    EVP_DigestUpdate(ctx.get(), &lengths[0], sizeof lengths[0]);
    EVP_DigestUpdate(ctx.get(), it->key().data(), it->key().size());
    EVP_DigestUpdate(ctx.get(), &lengths[1], sizeof lengths[1]);
    EVP_DigestUpdate(ctx.get(), it->value().data(), it->value().size());
    ++result.keys;
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "checksum scan"));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &len);
  for (unsigned int i = 0; i < len; ++i) absl::StrAppend(&result.hex, absl::Hex(digest[i], absl::kZeroPad2));
  return result;
}

}  // namespace zizhu::storage
