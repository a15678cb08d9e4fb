// KafkaEventLog: the EventLog on an Apache Kafka topic through librdkafka.
//
// Writer: an idempotent, transactional producer (acks=all); every
// AppendAtomically is one Kafka transaction, so a command's events (and a
// whole group-committed batch) become visible together or not at all. The
// transactional id names the writer instance: a second process with the same
// id fences the first (zombie fencing).
// Readers: consumers with isolation.level=read_committed and manual partition
// assignment (offsets live in the projection store, never in Kafka).
//
// Lifecycle: Open() connects, creates the topic if missing and initialises
// transactions (which also aborts a crashed predecessor's open transaction).
// AppendAtomically is called from one thread at a time; its transactions
// take turns on `producers` producers (each fenced on its own id).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "services/common/es/event_log.h"
#include "services/common/kafka/client_settings.h"

namespace RdKafka {
class Producer;
}

namespace zizhu::kafka {

struct KafkaEventLogOptions {
  // host:port list of brokers.
  std::string bootstrap_servers = "127.0.0.1:9092";
  // The process's own principal and TLS trust (client_settings.h), applied to
  // every client this log makes (producer, readers, admin). Empty: none — the
  // zizhu brokers refuse such a client (no listener is unauthenticated).
  ClientSettings client_settings;
  std::string topic;
  // Partitions when the topic has to be created.
  int partitions = 6;
  // Replication factor when the topic has to be created (1 on a single node).
  int replication_factor = 1;
  // Transactional id of this writer instance, e.g. "registry-0".
  std::string transactional_id;
  // Transactions take turns on this many producers (transactional ids
  // `<transactional_id>`, `<transactional_id>-t1`, ...), one after the
  // other, never two at once, so the log's order is the appends' order. A
  // producer that begins a transaction while the markers of its previous one
  // are still being written is told "concurrent transactions" and waits
  // (~20 ms in librdkafka 2.0.2, on every append when appends follow each
  // other closely); its turn comes again only after the other's append.
  int producers = 2;
  // Upper bound for one transaction commit.
  int transaction_timeout_ms = 30000;
  // librdkafka socket and metadata timeouts.
  int request_timeout_ms = 15000;
  // How long Open() waits for the broker.
  int connect_timeout_ms = 30000;
  // Readers only (an upstream topic followed by another service): no
  // producer, no transactional id needed; AppendAtomically is refused. A
  // reader never creates the topic (only its owner may): Open() waits up to
  // connect_timeout_ms for the owner to create it.
  bool read_only = false;
};

// Creates `options.topic` with options.partitions and replication factor,
// retention forever, if it does not exist. PERMISSION_DENIED when the
// broker refuses the principal (bad credentials or no ACL to create it).
absl::Status EnsureTopic(const KafkaEventLogOptions& options, int timeout_ms);

class KafkaEventLog final : public es::EventLog {
 public:
  static absl::StatusOr<std::unique_ptr<KafkaEventLog>> Open(KafkaEventLogOptions options);
  ~KafkaEventLog() override;

  const std::string& topic() const override { return options_.topic; }
  // librdkafka's murmur2 partitioner (Java compatible), the one the
  // producer applies to a record without a partition.
  es::PartitionId PartitionOf(const std::string& key) const override;
  absl::StatusOr<std::vector<es::LogPosition>> AppendAtomically(const std::vector<es::AppendRecord>& records) override;
  absl::StatusOr<std::unique_ptr<es::EventLogReader>> NewReader() override;

 private:
  explicit KafkaEventLog(KafkaEventLogOptions options);
  absl::Status CreateProducer(size_t index);
  std::string TransactionalId(size_t index) const;
  KafkaEventLogOptions options_;
  class DeliveryCollector;
  std::unique_ptr<DeliveryCollector> collector_;
  std::vector<std::unique_ptr<RdKafka::Producer>> producers_;
  size_t next_producer_ = 0;
  std::string fenced_;  // non-empty once a successor fenced this writer: appends refused
  int partition_count_ = 0;
};

}  // namespace zizhu::kafka
