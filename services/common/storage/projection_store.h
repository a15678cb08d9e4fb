// ProjectionStore: the RocksDB database that holds a service's projection rows
// and the log offsets applied to them. Everything in it can be rebuilt from
// the log.
//
// Two sides: queries read the live database (Get, Scan); the single writer
// (command processor, projection runner, live subscriptions) uses NewBatch,
// Commit, LoadAppliedOffsets and Checksum. A rebuild is built beside the live
// database (BeginRebuild: the writer side moves to a new, empty database;
// queries keep reading the complete old one) and swapped in at the end
// (FinishRebuild), so a query never sees a half-built projection.
//
// Lifecycle: opened once per process; a leftover half-built rebuild from a
// crash is deleted on open. Thread-safety: the query side may be used from
// any thread at any time; the writer side from one thread at a time (the
// command processor's exclusive section).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "absl/status/statusor.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "services/common/es/event_log.h"

namespace zizhu::storage {

struct ProjectionStoreOptions {
  // Directory of the RocksDB database; created if missing.
  std::string path;
  // Block cache for reads, in bytes.
  size_t block_cache_bytes = 64 << 20;
  // Sync the RocksDB WAL on every commit. Off by default: the projection is
  // rebuildable from the log, and offsets are written atomically with rows.
  bool sync_writes = false;
};

// A unit of projection writes with read-your-writes over the database: a
// hash-map overlay of the keys written (far cheaper than an indexed batch for
// the many small reads and writes of a projection). A key written many times
// (a count, a person's match) reaches RocksDB once, with its last value: the
// WriteBatch is built from the overlay when the batch is committed.
// Not thread-safe; lives for one batch.
//
// A batch may stand on a `base` batch that is being committed meanwhile (the
// command processor decides batch N+1 while N is appended): reads see the
// base's writes before the database's. The base must outlive this batch and
// must not be written while this batch reads it; it is read only through its
// overlay (its writes are in the database, with the same values, once it
// has been committed).
class ProjectionBatch {
 public:
  explicit ProjectionBatch(rocksdb::DB* db, const ProjectionBatch* base = nullptr) : db_(db), base_(base) {}
  // Value of `key` as it would be after this batch; nullopt if absent.
  absl::StatusOr<std::optional<std::string>> Get(const std::string& key);
  void Put(const std::string& key, const std::string& value);
  void Delete(const std::string& key);
  // Visits keys under `prefix` as they would be after this batch, in order,
  // until `visit` returns false.
  absl::Status Scan(const std::string& prefix,
                    const std::function<bool(const std::string&, const std::string&)>& visit);
  // Records that every record of `partition` before `next_offset` is applied.
  void RecordAppliedOffset(const std::string& topic, es::PartitionId partition, LogOffset next_offset);
  // Records that the records before `record` and the first `events_applied`
  // events of `record` (a batch record) are applied.
  void RecordPartlyApplied(const std::string& topic, es::PartitionId partition, LogOffset record,
                           int64_t events_applied);

  // Save points nest; every SetSavePoint is ended by exactly one
  // RollbackToSavePoint (undo) or PopSavePoint (keep).
  void SetSavePoint();
  void RollbackToSavePoint();
  void PopSavePoint();
  // Stops reading through the base (it has been committed, or dropped).
  void DetachBase() { base_ = nullptr; }
  // Keys written (or deleted) so far.
  size_t count() const { return overlay_.size(); }
  // About how much memory the batch holds (keys and values written, keys
  // found absent), for a caller that bounds it.
  size_t approx_bytes() const { return approx_bytes_; }
  // The final writes, one per key.
  rocksdb::WriteBatch BuildWriteBatch() const;

 private:
  void Remember(const std::string& key);
  rocksdb::DB* db_;
  const ProjectionBatch* base_ = nullptr;
  std::unordered_map<std::string, std::optional<std::string>> overlay_;  // nullopt = deleted
  // Keys this batch found absent in the database (checked once per batch,
  // not once per event: settings, first sight of a person).
  std::unordered_set<std::string> absent_;
  struct Undo {
    std::string key;
    bool existed = false;  // in the overlay before the write
    std::optional<std::string> previous;
  };
  std::vector<Undo> undo_;
  std::vector<size_t> save_points_;  // undo_ size at each save point
  size_t approx_bytes_ = 0;
  friend class ProjectionStore;
  // The final writes in key order, one per key.
  std::vector<const std::pair<const std::string, std::optional<std::string>>*> SortedEntries() const;
};

// What of a topic is applied: per partition the next record to read, and
// for a record partly applied (a subscription commits rows before the event
// that causes reactions, which may be inside a batch record) how many of its
// events are.
struct AppliedPositions {
  es::OffsetMap next;
  std::map<es::PartitionId, int64_t> within;
};

struct StoreChecksum {
  std::string hex;  // SHA-256 over (key length, key, value length, value)*
  int64_t keys = 0;
};

class ProjectionStore {
 public:
  static absl::StatusOr<std::unique_ptr<ProjectionStore>> Open(ProjectionStoreOptions options);
  ~ProjectionStore();

  ProjectionBatch NewBatch(const ProjectionBatch* base = nullptr) { return ProjectionBatch(writer_db(), base); }
  // Applies the batch atomically (rows and offsets together).
  absl::Status Commit(ProjectionBatch& batch);
  // During a rebuild: writes the batch as one sorted table file and ingests
  // it into the database being rebuilt (no memtable, no write-ahead log: the
  // bulk load of a replay). Outside a rebuild: Commit.
  absl::Status IngestSorted(const ProjectionBatch& batch);
  // The same, with applied offsets of `topic` added to the write (the batch
  // itself is only read: a batch standing on it may be reading it).
  absl::Status Commit(const ProjectionBatch& batch, const std::string& topic, const es::OffsetMap& applied);

  // Query side (live database).
  absl::StatusOr<std::optional<std::string>> Get(const std::string& key) const;
  // Calls `visit(key, value)` for keys starting with `prefix`, from `start`
  // (inclusive, must start with prefix; empty = from the prefix) until visit
  // returns false.
  absl::Status Scan(const std::string& prefix, const std::string& start,
                    const std::function<bool(const std::string&, const std::string&)>& visit) const;

  // Writer side: the applied offsets of `topic` and the checksum of the
  // database the writer writes (the one being rebuilt during a rebuild).
  absl::StatusOr<es::OffsetMap> LoadAppliedOffsets(const std::string& topic) const;
  absl::StatusOr<AppliedPositions> LoadAppliedPositions(const std::string& topic) const;
  absl::StatusOr<StoreChecksum> Checksum() const;

  // Starts writing into a new, empty database beside the live one.
  absl::Status BeginRebuild();
  // Replaces the live database with the rebuilt one (queries wait for the
  // swap only, not for the rebuild).
  absl::Status FinishRebuild();
  // Drops the rebuilt database; the live one stays as it was.
  void AbortRebuild();
  bool rebuilding() const { return side_ != nullptr; }
  const std::string& path() const { return options_.path; }

 private:
  explicit ProjectionStore(ProjectionStoreOptions options) : options_(std::move(options)) {}
  absl::StatusOr<std::unique_ptr<rocksdb::DB>> OpenDb(const std::string& path) const;
  rocksdb::Options DbOptions() const;
  int ingested_files_ = 0;
  std::string side_path() const { return options_.path + ".rebuild"; }
  rocksdb::DB* writer_db() const { return side_ ? side_.get() : db_.get(); }
  ProjectionStoreOptions options_;
  // Guards the db_ pointer: queries hold it shared, the swap exclusively.
  mutable std::shared_mutex swap_mu_;
  std::unique_ptr<rocksdb::DB> db_;
  std::unique_ptr<rocksdb::DB> side_;  // non-null while rebuilding
};

// Key of the applied offset of one partition ("~offset/<topic>/<partition>").
std::string AppliedOffsetKey(const std::string& topic, es::PartitionId partition);
// Maps a RocksDB status to absl (IO errors -> UNAVAILABLE, corruption -> DATA_LOSS).
absl::Status FromRocks(const rocksdb::Status& status, const std::string& what);

}  // namespace zizhu::storage
