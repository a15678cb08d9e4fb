#include "services/common/storage/projection_store.h"

#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/sst_file_writer.h"
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

absl::StatusOr<std::optional<std::string>> ProjectionBatch::Get(const std::string& key) {
  if (auto it = overlay_.find(key); it != overlay_.end()) return it->second;
  if (absent_.count(key)) return std::optional<std::string>();
  if (base_ != nullptr) {
    if (auto it = base_->overlay_.find(key); it != base_->overlay_.end()) return it->second;
  }
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), key, &value);
  if (s.IsNotFound()) {
    absent_.insert(key);
    approx_bytes_ += key.size() + 48;
    return std::optional<std::string>();
  }
  RETURN_IF_ERROR(FromRocks(s, absl::StrCat("read of key '", key, "'")));
  return std::optional<std::string>(std::move(value));
}

void ProjectionBatch::Remember(const std::string& key) {
  if (save_points_.empty()) return;
  auto it = overlay_.find(key);
  if (it == overlay_.end()) {
    undo_.push_back(Undo{key, false, std::nullopt});
  } else {
    undo_.push_back(Undo{key, true, it->second});
  }
}

void ProjectionBatch::Put(const std::string& key, const std::string& value) {
  Remember(key);
  approx_bytes_ += key.size() + value.size() + 64;
  overlay_[key] = value;
}

void ProjectionBatch::Delete(const std::string& key) {
  Remember(key);
  approx_bytes_ += key.size() + 64;
  overlay_[key] = std::nullopt;
}

absl::Status ProjectionBatch::Scan(const std::string& prefix,
                                   const std::function<bool(const std::string&, const std::string&)>& visit) {
  // Merge the database's keys with the overlay's, the overlay winning.
  std::map<std::string, const std::optional<std::string>*> pending;
  if (base_ != nullptr) {
    for (const auto& [key, value] : base_->overlay_) {
      if (key.compare(0, prefix.size(), prefix) == 0) pending.emplace(key, &value);
    }
  }
  for (const auto& [key, value] : overlay_) {
    if (key.compare(0, prefix.size(), prefix) == 0) pending[key] = &value;
  }
  auto next_pending = pending.begin();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  it->Seek(prefix);
  while (true) {
    bool db_valid = it->Valid() && it->key().starts_with(prefix);
    if (!db_valid && next_pending == pending.end()) break;
    std::string db_key = db_valid ? it->key().ToString() : std::string();
    if (next_pending != pending.end() && (!db_valid || next_pending->first <= db_key)) {
      if (db_valid && next_pending->first == db_key) it->Next();  // overlay replaces it
      const auto& value = *next_pending->second;
      std::string key = next_pending->first;
      ++next_pending;
      if (value && !visit(key, *value)) break;
      continue;
    }
    if (!visit(db_key, it->value().ToString())) break;
    it->Next();
  }
  return FromRocks(it->status(), absl::StrCat("scan of '", prefix, "'"));
}

void ProjectionBatch::RecordAppliedOffset(const std::string& topic, es::PartitionId partition, LogOffset next_offset) {
  Put(AppliedOffsetKey(topic, partition), std::to_string(next_offset.value()));
}

void ProjectionBatch::RecordPartlyApplied(const std::string& topic, es::PartitionId partition, LogOffset record,
                                          int64_t events_applied) {
  Put(AppliedOffsetKey(topic, partition), absl::StrCat(record.value(), "+", events_applied));
}

void ProjectionBatch::SetSavePoint() { save_points_.push_back(undo_.size()); }

void ProjectionBatch::RollbackToSavePoint() {
  if (save_points_.empty()) return;
  size_t mark = save_points_.back();
  save_points_.pop_back();
  while (undo_.size() > mark) {
    Undo& u = undo_.back();
    if (u.existed) {
      overlay_[u.key] = std::move(u.previous);
    } else {
      overlay_.erase(u.key);
    }
    undo_.pop_back();
  }
}

void ProjectionBatch::PopSavePoint() {
  if (save_points_.empty()) return;
  save_points_.pop_back();
  if (save_points_.empty()) undo_.clear();
}

std::vector<const std::pair<const std::string, std::optional<std::string>>*> ProjectionBatch::SortedEntries() const {
  std::vector<const std::pair<const std::string, std::optional<std::string>>*> entries;
  entries.reserve(overlay_.size());
  for (const auto& entry : overlay_) entries.push_back(&entry);
  std::sort(entries.begin(), entries.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
  return entries;
}

rocksdb::WriteBatch ProjectionBatch::BuildWriteBatch() const {
  // In key order: the memtable's skip list inserts ascending keys far more
  // cheaply (each insert starts from the previous one's position) — most of
  // a replay's time went to random-order inserts.
  const auto entries = SortedEntries();
  size_t bytes = 0;
  for (const auto* entry : entries) bytes += entry->first.size() + (entry->second ? entry->second->size() : 0) + 8;
  rocksdb::WriteBatch batch(bytes + 64);
  for (const auto* entry : entries) {
    if (entry->second) {
      batch.Put(entry->first, *entry->second).PermitUncheckedError();
    } else {
      batch.Delete(entry->first).PermitUncheckedError();
    }
  }
  return batch;
}

namespace {

absl::Status ScanDb(rocksdb::DB* db, const std::string& prefix, const std::string& start,
                    const std::function<bool(const std::string&, const std::string&)>& visit) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(start.empty() ? prefix : start); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (!visit(it->key().ToString(), it->value().ToString())) break;
  }
  return FromRocks(it->status(), absl::StrCat("scan of '", prefix, "'"));
}

absl::Status CloseDb(std::unique_ptr<rocksdb::DB>& db, const std::string& what) {
  if (!db) return absl::OkStatus();
  absl::Status closed = FromRocks(db->Close(), what);
  db.reset();
  return closed;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ProjectionStore>> ProjectionStore::Open(ProjectionStoreOptions options) {
  if (options.path.empty()) return absl::InvalidArgumentError("projection store path is empty");
  std::unique_ptr<ProjectionStore> store(new ProjectionStore(std::move(options)));
  // A rebuild that a crash interrupted: the live database is intact, the
  // half-built one is dropped.
  std::error_code ec;
  if (std::filesystem::exists(store->side_path(), ec)) {
    RETURN_IF_ERROR(FromRocks(rocksdb::DestroyDB(store->side_path(), rocksdb::Options()),
                              absl::StrCat("remove interrupted rebuild '", store->side_path(), "'")));
    std::filesystem::remove_all(store->side_path(), ec);
  }
  ASSIGN_OR_RETURN(store->db_, store->OpenDb(store->options_.path));
  return store;
}

ProjectionStore::~ProjectionStore() {
  AbortRebuild();
  CloseDb(db_, "close projection store").IgnoreError();
}

absl::StatusOr<std::unique_ptr<rocksdb::DB>> ProjectionStore::OpenDb(const std::string& path) const {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot create '", path, "': ", ec.message()));
  rocksdb::Options opts = DbOptions();
  rocksdb::DB* raw = nullptr;
  RETURN_IF_ERROR(FromRocks(rocksdb::DB::Open(opts, path, &raw), absl::StrCat("open projection store '", path, "'")));
  return std::unique_ptr<rocksdb::DB>(raw);
}

rocksdb::Options ProjectionStore::DbOptions() const {
  rocksdb::Options opts;
  opts.create_if_missing = true;
  opts.IncreaseParallelism(2);
  opts.write_buffer_size = 128 << 20;
  // Most projection reads look up keys that may not exist (first sight of a
  // person, a request id): bloom filters answer those without reading blocks.
  opts.memtable_whole_key_filtering = true;
  opts.memtable_prefix_bloom_size_ratio = 0.05;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options_.block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return opts;
}

absl::Status ProjectionStore::IngestSorted(const ProjectionBatch& batch) {
  if (side_ == nullptr) return Commit(batch, "", {});
  const auto entries = batch.SortedEntries();
  if (entries.empty()) return absl::OkStatus();
  const std::string file = absl::StrCat(side_path(), ".ingest-", ingested_files_++, ".sst");
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), DbOptions());
  RETURN_IF_ERROR(FromRocks(writer.Open(file), absl::StrCat("open '", file, "'")));
  for (const auto* entry : entries) {
    rocksdb::Status s = entry->second ? writer.Put(entry->first, *entry->second) : writer.Delete(entry->first);
    RETURN_IF_ERROR(FromRocks(s, absl::StrCat("write '", file, "'")));
  }
  RETURN_IF_ERROR(FromRocks(writer.Finish(), absl::StrCat("finish '", file, "'")));
  rocksdb::IngestExternalFileOptions ingest;
  ingest.move_files = true;  // the file becomes the database's (a hard link, no copy)
  absl::Status ingested = FromRocks(side_->IngestExternalFile({file}, ingest), absl::StrCat("ingest '", file, "'"));
  std::error_code ec;
  std::filesystem::remove(file, ec);  // the database keeps its own link
  return ingested;
}

absl::Status ProjectionStore::Commit(ProjectionBatch& batch) { return Commit(batch, "", {}); }

absl::Status ProjectionStore::Commit(const ProjectionBatch& batch, const std::string& topic,
                                     const es::OffsetMap& applied) {
  rocksdb::WriteOptions wo;
  wo.sync = options_.sync_writes;
  // A rebuild's database is dropped if the process dies before the swap, and
  // flushed before it: its writes need no write-ahead log.
  wo.disableWAL = side_ != nullptr;
  rocksdb::WriteBatch writes = batch.BuildWriteBatch();
  for (const auto& [partition, next] : applied) {
    RETURN_IF_ERROR(FromRocks(writes.Put(AppliedOffsetKey(topic, partition), std::to_string(next.value())),
                              "projection commit (offsets)"));
  }
  return FromRocks(writer_db()->Write(wo, &writes), "projection commit");
}

namespace {

// Queries nest reads (a Scan's visitor reads rows with Get): a thread that
// already holds the swap lock shared does not take it again, so a waiting
// swap can never deadlock a query, whatever the lock's fairness.
thread_local int swap_lock_depth = 0;

class SharedSwapLock {
 public:
  explicit SharedSwapLock(std::shared_mutex& mu) : mu_(mu), owner_(swap_lock_depth == 0) {
    if (owner_) mu_.lock_shared();
    ++swap_lock_depth;
  }
  ~SharedSwapLock() {
    --swap_lock_depth;
    if (owner_) mu_.unlock_shared();
  }
  SharedSwapLock(const SharedSwapLock&) = delete;
  SharedSwapLock& operator=(const SharedSwapLock&) = delete;

 private:
  std::shared_mutex& mu_;
  bool owner_;
};

}  // namespace

absl::StatusOr<std::optional<std::string>> ProjectionStore::Get(const std::string& key) const {
  SharedSwapLock lock(swap_mu_);
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  RETURN_IF_ERROR(FromRocks(s, absl::StrCat("read of key '", key, "'")));
  return std::optional<std::string>(std::move(value));
}

absl::Status ProjectionStore::Scan(const std::string& prefix, const std::string& start,
                                   const std::function<bool(const std::string&, const std::string&)>& visit) const {
  SharedSwapLock lock(swap_mu_);
  return ScanDb(db_.get(), prefix, start, visit);
}

absl::StatusOr<es::OffsetMap> ProjectionStore::LoadAppliedOffsets(const std::string& topic) const {
  ASSIGN_OR_RETURN(AppliedPositions positions, LoadAppliedPositions(topic));
  return std::move(positions.next);
}

absl::StatusOr<AppliedPositions> ProjectionStore::LoadAppliedPositions(const std::string& topic) const {
  AppliedPositions positions;
  std::string prefix = absl::StrCat(kOffsetPrefix, topic, "/");
  absl::Status parse_error;
  RETURN_IF_ERROR(ScanDb(writer_db(), prefix, "", [&](const std::string& key, const std::string& value) {
    // "<next offset>", or "<offset>+<events>" for a record partly applied.
    int32_t partition = 0;
    int64_t offset = 0;
    int64_t within = 0;
    std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(value, absl::MaxSplits('+', 1));
    if (!absl::SimpleAtoi(key.substr(prefix.size()), &partition) || !absl::SimpleAtoi(parts.first, &offset) ||
        (!parts.second.empty() && (!absl::SimpleAtoi(parts.second, &within) || within <= 0))) {
      parse_error = absl::DataLossError(absl::StrCat("bad applied-offset row '", key, "' = '", value, "'"));
      return false;
    }
    positions.next[partition] = LogOffset(offset);
    if (within > 0) positions.within[partition] = within;
    return true;
  }));
  RETURN_IF_ERROR(parse_error);
  return positions;
}

absl::Status ProjectionStore::BeginRebuild() {
  AbortRebuild();
  RETURN_IF_ERROR(
      FromRocks(rocksdb::DestroyDB(side_path(), rocksdb::Options()), absl::StrCat("clear '", side_path(), "'")));
  ASSIGN_OR_RETURN(side_, OpenDb(side_path()));
  return absl::OkStatus();
}

absl::Status ProjectionStore::FinishRebuild() {
  if (!side_) return absl::FailedPreconditionError("no rebuild in progress");
  RETURN_IF_ERROR(FromRocks(side_->Flush(rocksdb::FlushOptions()), "flush rebuilt projection"));
  RETURN_IF_ERROR(CloseDb(side_, "close rebuilt projection"));
  std::unique_lock<std::shared_mutex> lock(swap_mu_);
  RETURN_IF_ERROR(CloseDb(db_, "close projection store"));
  RETURN_IF_ERROR(FromRocks(rocksdb::DestroyDB(options_.path, rocksdb::Options()),
                            absl::StrCat("destroy old projection '", options_.path, "'")));
  std::error_code ec;
  std::filesystem::remove_all(options_.path, ec);
  std::filesystem::rename(side_path(), options_.path, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("move rebuilt projection '", side_path(), "' to '", options_.path, "': ", ec.message()));
  }
  ASSIGN_OR_RETURN(db_, OpenDb(options_.path));
  return absl::OkStatus();
}

void ProjectionStore::AbortRebuild() {
  if (!side_) return;
  CloseDb(side_, "close abandoned rebuild").IgnoreError();
  rocksdb::DestroyDB(side_path(), rocksdb::Options()).PermitUncheckedError();
  std::error_code ec;
  std::filesystem::remove_all(side_path(), ec);
}

absl::StatusOr<StoreChecksum> ProjectionStore::Checksum() const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  StoreChecksum result;
  std::unique_ptr<rocksdb::Iterator> it(writer_db()->NewIterator(rocksdb::ReadOptions()));
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
