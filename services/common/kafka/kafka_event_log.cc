#include "services/common/kafka/kafka_event_log.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <cstdlib>
#include <map>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "services/common/core/status_macros.h"

namespace zizhu::kafka {
namespace {

absl::Status SetConf(RdKafka::Conf* conf, const std::string& name, const std::string& value) {
  std::string err;
  if (conf->set(name, value, err) != RdKafka::Conf::CONF_OK) {
    return absl::InvalidArgumentError(absl::StrCat("kafka setting ", name, "=", value, ": ", err));
  }
  return absl::OkStatus();
}

// A new librdkafka configuration with the brokers and the process's own
// client settings (principal, TLS trust).
absl::StatusOr<std::unique_ptr<RdKafka::Conf>> NewConf(const KafkaEventLogOptions& options) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  RETURN_IF_ERROR(SetConf(conf.get(), "bootstrap.servers", options.bootstrap_servers));
  // Requests are sent at once, not held back by Nagle's algorithm until the
  // broker acknowledges the previous segment: with it, a produce request
  // split over two TLS writes waited for the broker's delayed ACK, ~40 ms of
  // every transaction (BENCHMARKS.md, "Where a transaction's time goes").
  RETURN_IF_ERROR(SetConf(conf.get(), "socket.nagle.disable", "true"));
  for (const auto& [name, value] : options.client_settings) {
    std::string err;
    if (conf->set(name, value, err) != RdKafka::Conf::CONF_OK) {
      // The value may be secret: name the setting only.
      return absl::InvalidArgumentError(absl::StrCat("kafka client setting ", name, ": ", err));
    }
  }
  return conf;
}

absl::Status FromKafkaError(RdKafka::Error* error, const std::string& what) {
  std::unique_ptr<RdKafka::Error> owned(error);
  if (!owned) return absl::OkStatus();
  if (owned->code() == RdKafka::ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED ||
      owned->code() == RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED ||
      owned->code() == RdKafka::ERR_CLUSTER_AUTHORIZATION_FAILED) {
    return absl::PermissionDeniedError(absl::StrCat(what, ": the broker refused this principal: ", owned->str()));
  }
  return absl::UnavailableError(absl::StrCat(what, ": ", owned->str()));
}

// A refusal by the broker (not a transient failure such as a dropped
// connection or a handshake cut short, which are retried).
bool IsAuthError(rd_kafka_resp_err_t err) {
  return err == RD_KAFKA_RESP_ERR__AUTHENTICATION || err == RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED ||
         err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED || err == RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED;
}

// A C-API client for administration and metadata, remembering the last
// authentication error the broker gave (librdkafka only logs it and retries,
// so without this a refused principal would look like a timeout).
class AdminClient {
 public:
  static absl::StatusOr<std::unique_ptr<AdminClient>> Create(const KafkaEventLogOptions& options) {
    std::unique_ptr<AdminClient> client(new AdminClient());
    char errstr[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    auto set = [&](const std::string& name, const std::string& value, bool secret) -> absl::Status {
      if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        rd_kafka_conf_destroy(conf);
        return absl::InvalidArgumentError(
            absl::StrCat("kafka setting ", name, secret ? "" : absl::StrCat("=", value), ": ", errstr));
      }
      return absl::OkStatus();
    };
    RETURN_IF_ERROR(set("bootstrap.servers", options.bootstrap_servers, false));
    for (const auto& [name, value] : options.client_settings) RETURN_IF_ERROR(set(name, value, true));
    rd_kafka_conf_set_opaque(conf, client.get());
    rd_kafka_conf_set_error_cb(conf, [](rd_kafka_t*, int err, const char* reason, void* opaque) {
      auto* self = static_cast<AdminClient*>(opaque);
      if (!IsAuthError(static_cast<rd_kafka_resp_err_t>(err))) return;
      std::lock_guard<std::mutex> lock(self->mu_);
      self->auth_error_ = reason ? reason : rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(err));
    });
    client->rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!client->rk_) {
      rd_kafka_conf_destroy(conf);
      return absl::UnavailableError(absl::StrCat("kafka admin client: ", errstr));
    }
    return client;
  }
  ~AdminClient() {
    if (rk_) rd_kafka_destroy(rk_);
  }
  rd_kafka_t* handle() const { return rk_; }
  // PERMISSION_DENIED with the broker's reason when it refused this client.
  absl::Status AuthStatus(const std::string& what) const {
    std::lock_guard<std::mutex> lock(mu_);
    if (auth_error_.empty()) return absl::OkStatus();
    return absl::PermissionDeniedError(absl::StrCat(what, ": the broker refused this client: ", auth_error_));
  }

 private:
  AdminClient() = default;
  rd_kafka_t* rk_ = nullptr;
  mutable std::mutex mu_;
  std::string auth_error_;
};

// The partition count of `topic`: NOT_FOUND when it does not exist,
// PERMISSION_DENIED when this principal may not see it.
absl::StatusOr<int> PartitionCount(rd_kafka_t* rk, const std::string& topic, int timeout_ms) {
  rd_kafka_topic_t* t = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  if (!t) return absl::UnavailableError(absl::StrCat("topic handle '", topic, "'"));
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t code = rd_kafka_metadata(rk, 0, t, &md, timeout_ms);
  rd_kafka_topic_destroy(t);
  if (code != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("metadata for topic '", topic, "': ", rd_kafka_err2str(code)));
  }
  absl::StatusOr<int> result = absl::NotFoundError(absl::StrCat("topic '", topic, "' does not exist"));
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& tm = md->topics[i];
    if (topic != tm.topic) continue;
    if (tm.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) break;
    if (tm.err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) {
      result = absl::PermissionDeniedError(absl::StrCat("topic '", topic, "': this principal may not read it"));
    } else if (tm.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      result = absl::UnavailableError(absl::StrCat("topic '", topic, "': ", rd_kafka_err2str(tm.err)));
    } else {
      result = tm.partition_cnt;
    }
    break;
  }
  rd_kafka_metadata_destroy(md);
  return result;
}

absl::Status CreateTopic(AdminClient& client, const KafkaEventLogOptions& options, int timeout_ms) {
  rd_kafka_t* rk = client.handle();
  const std::string& topic = options.topic;
  char errstr[512];
  rd_kafka_NewTopic_t* new_topic =
      rd_kafka_NewTopic_new(topic.c_str(), options.partitions, options.replication_factor, errstr, sizeof errstr);
  if (!new_topic) return absl::InvalidArgumentError(absl::StrCat("topic '", topic, "': ", errstr));
  rd_kafka_NewTopic_set_config(new_topic, "retention.ms", "-1");
  rd_kafka_NewTopic_set_config(new_topic, "retention.bytes", "-1");
  rd_kafka_NewTopic_set_config(new_topic, "cleanup.policy", "delete");
  rd_kafka_NewTopic_set_config(new_topic, "min.insync.replicas", options.replication_factor >= 3 ? "2" : "1");
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* admin_options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(admin_options, timeout_ms, errstr, sizeof errstr);
  rd_kafka_AdminOptions_set_request_timeout(admin_options, timeout_ms, errstr, sizeof errstr);
  rd_kafka_CreateTopics(rk, &new_topic, 1, admin_options, queue);
  rd_kafka_event_t* event = rd_kafka_queue_poll(queue, timeout_ms + 2000);
  absl::Status status = absl::OkStatus();
  if (!event) {
    status = absl::UnavailableError(absl::StrCat("creating topic '", topic, "' timed out after ", timeout_ms, " ms"));
  } else if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = absl::UnavailableError(absl::StrCat("creating topic '", topic, "': ", rd_kafka_event_error_string(event)));
  } else {
    const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event);
    size_t count = 0;
    const rd_kafka_topic_result_t** topics = rd_kafka_CreateTopics_result_topics(result, &count);
    for (size_t i = 0; i < count; ++i) {
      rd_kafka_resp_err_t err = rd_kafka_topic_result_error(topics[i]);
      if (err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) continue;
      const char* detail = rd_kafka_topic_result_error_string(topics[i]);
      std::string message =
          absl::StrCat("creating topic '", topic, "': ", rd_kafka_err2str(err), " ", detail ? detail : "");
      status = IsAuthError(err) ? absl::PermissionDeniedError(absl::StrCat(message,
                                                                           " (no ACL lets this principal "
                                                                           "create it: deploy/kafka/principals.conf)"))
                                : absl::UnavailableError(message);
    }
  }
  if (event) rd_kafka_event_destroy(event);
  rd_kafka_AdminOptions_destroy(admin_options);
  rd_kafka_NewTopic_destroy(new_topic);
  rd_kafka_queue_destroy(queue);
  return status;
}

}  // namespace

absl::Status EnsureTopic(const KafkaEventLogOptions& options, int timeout_ms) {
  ASSIGN_OR_RETURN(std::unique_ptr<AdminClient> client, AdminClient::Create(options));
  absl::Status created = CreateTopic(*client, options, timeout_ms);
  if (created.ok()) return created;
  RETURN_IF_ERROR(client->AuthStatus(absl::StrCat("creating topic '", options.topic, "'")));
  return created;
}

// Collects delivery reports of one transaction. Messages carry a pointer to
// their slot as opaque; reports are served on the appending thread (during
// flush/commit), so no locking is needed.
class KafkaEventLog::DeliveryCollector final : public RdKafka::DeliveryReportCb {
 public:
  struct Slot {
    bool delivered = false;
    RdKafka::ErrorCode error = RdKafka::ERR_NO_ERROR;
    es::LogPosition position;
  };
  void dr_cb(RdKafka::Message& message) override {
    auto* slot = static_cast<Slot*>(message.msg_opaque());
    if (!slot) return;
    slot->delivered = true;
    slot->error = message.err();
    slot->position.partition = message.partition();
    slot->position.offset = LogOffset(message.offset());
  }
};

absl::StatusOr<std::unique_ptr<KafkaEventLog>> KafkaEventLog::Open(KafkaEventLogOptions options) {
  if (options.topic.empty()) return absl::InvalidArgumentError("kafka topic is empty");
  if (options.transactional_id.empty() && !options.read_only) {
    return absl::InvalidArgumentError("kafka transactional_id is empty");
  }
  // The broker may still be starting, and a reader's topic may not be made
  // yet by its owner: retry until the deadline. A refusal by the broker
  // (credentials, ACLs) is final at once.
  ASSIGN_OR_RETURN(std::unique_ptr<AdminClient> admin, AdminClient::Create(options));
  const std::string what = absl::StrCat(options.read_only ? "reading" : "writing", " topic '", options.topic, "'");
  absl::Time deadline = absl::Now() + absl::Milliseconds(options.connect_timeout_ms);
  absl::StatusOr<int> partitions = absl::UnavailableError("not tried");
  do {
    if (!options.read_only) {
      absl::Status created = CreateTopic(*admin, options, options.request_timeout_ms);
      if (absl::IsPermissionDenied(created)) return created;
    }
    partitions = PartitionCount(admin->handle(), options.topic, options.request_timeout_ms);
    RETURN_IF_ERROR(admin->AuthStatus(what));
    if (partitions.ok() || absl::IsPermissionDenied(partitions.status())) break;
    absl::SleepFor(absl::Milliseconds(500));
  } while (absl::Now() < deadline);
  if (!partitions.ok()) {
    if (absl::IsNotFound(partitions.status())) {
      return absl::UnavailableError(absl::StrCat(partitions.status().message(), " after ", options.connect_timeout_ms,
                                                 " ms (its owner creates it)"));
    }
    return partitions.status();
  }
  std::unique_ptr<KafkaEventLog> log(new KafkaEventLog(std::move(options)));
  log->collector_ = std::make_unique<DeliveryCollector>();
  log->partition_count_ = *partitions;
  if (log->options_.read_only) return log;
  log->producers_.resize(static_cast<size_t>(std::max(1, log->options_.producers)));
  for (size_t i = 0; i < log->producers_.size(); ++i) RETURN_IF_ERROR(log->CreateProducer(i));
  return log;
}

KafkaEventLog::KafkaEventLog(KafkaEventLogOptions options) : options_(std::move(options)) {}

KafkaEventLog::~KafkaEventLog() {
  for (auto& producer : producers_) {
    if (producer) producer->flush(5000);
  }
}

es::PartitionId KafkaEventLog::PartitionOf(const std::string& key) const {
  // The producer's "murmur2_random" partitioner for a non-empty key; an
  // empty key (never written by zizhu) goes to partition 0.
  if (key.empty() || partition_count_ <= 0) return 0;
  return rd_kafka_msg_partitioner_murmur2(nullptr, key.data(), key.size(), partition_count_, nullptr, nullptr);
}

std::string KafkaEventLog::TransactionalId(size_t index) const {
  return index == 0 ? options_.transactional_id : absl::StrCat(options_.transactional_id, "-t", index);
}

absl::Status KafkaEventLog::CreateProducer(size_t index) {
  std::unique_ptr<RdKafka::Producer>& producer = producers_[index];
  producer.reset();
  ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::Conf> conf, NewConf(options_));
  RETURN_IF_ERROR(SetConf(conf.get(), "enable.idempotence", "true"));
  RETURN_IF_ERROR(SetConf(conf.get(), "acks", "all"));
  RETURN_IF_ERROR(SetConf(conf.get(), "transactional.id", TransactionalId(index)));
  RETURN_IF_ERROR(SetConf(conf.get(), "transaction.timeout.ms", std::to_string(options_.transaction_timeout_ms)));
  RETURN_IF_ERROR(SetConf(conf.get(), "linger.ms", "1"));
  RETURN_IF_ERROR(SetConf(conf.get(), "compression.type", "lz4"));
  RETURN_IF_ERROR(SetConf(conf.get(), "partitioner", "murmur2_random"));
  RETURN_IF_ERROR(SetConf(conf.get(), "socket.timeout.ms", std::to_string(options_.request_timeout_ms)));
  RETURN_IF_ERROR(SetConf(conf.get(), "message.timeout.ms", std::to_string(options_.transaction_timeout_ms)));
  // Operator overrides of librdkafka producer settings, "name=value;name=value"
  // (e.g. for a multi-node cluster); applied last.
  if (const char* overrides = std::getenv("ZIZHU_KAFKA_PRODUCER_OVERRIDES")) {
    for (absl::string_view pair : absl::StrSplit(overrides, ';', absl::SkipEmpty())) {
      std::pair<std::string, std::string> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
      RETURN_IF_ERROR(SetConf(conf.get(), kv.first, kv.second));
    }
  }
  std::string err;
  if (conf->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(collector_.get()), err) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("kafka dr_cb: ", err));
  }
  producer.reset(RdKafka::Producer::create(conf.get(), err));
  if (!producer) return absl::UnavailableError(absl::StrCat("kafka producer: ", err));
  RETURN_IF_ERROR(FromKafkaError(producer->init_transactions(options_.connect_timeout_ms),
                                 absl::StrCat("init_transactions for '", TransactionalId(index), "'")));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<es::LogPosition>> KafkaEventLog::AppendAtomically(
    const std::vector<es::AppendRecord>& records) {
  if (options_.read_only) {
    return absl::FailedPreconditionError(absl::StrCat("topic '", options_.topic, "' was opened read-only"));
  }
  if (!fenced_.empty()) return absl::UnavailableError(fenced_);
  const size_t index = next_producer_;
  next_producer_ = (next_producer_ + 1) % producers_.size();
  std::unique_ptr<RdKafka::Producer>& producer = producers_[index];
  if (!producer) RETURN_IF_ERROR(CreateProducer(index));
  std::vector<DeliveryCollector::Slot> slots(records.size());
  auto fail = [&](RdKafka::Error* raw, const std::string& what) -> absl::Status {
    std::unique_ptr<RdKafka::Error> error(raw);
    absl::Status status = absl::UnavailableError(absl::StrCat(what, ": ", error ? error->str() : "unknown"));
    // Fenced: another instance started with this transactional id and owns
    // the log now. This one must never write again — recreating the
    // producer would fence the successor in turn, and two writers would take
    // turns on one log. Every later append is refused; restart the process.
    std::string fatal_reason;
    const RdKafka::ErrorCode fatal = producer->fatal_error(fatal_reason);
    const RdKafka::ErrorCode code = error ? error->code() : RdKafka::ERR_NO_ERROR;
    auto is_fenced = [](RdKafka::ErrorCode c) {
      return c == RdKafka::ERR__FENCED || c == RdKafka::ERR_PRODUCER_FENCED || c == RdKafka::ERR_INVALID_PRODUCER_EPOCH;
    };
    if (is_fenced(code) || is_fenced(fatal)) {
      fenced_ =
          absl::StrCat("this writer of '", options_.topic,
                       "' was fenced: another instance started with transactional id '", TransactionalId(index), "' (",
                       error ? error->str() : fatal_reason, "); this process appends nothing more — restart it");
      return absl::UnavailableError(fenced_);
    }
    if (error && error->is_fatal()) {
      producer.reset();  // recreated (and the old epoch fenced) on the next append
    } else {
      std::unique_ptr<RdKafka::Error> abort_error(producer->abort_transaction(options_.transaction_timeout_ms));
      if (abort_error) producer.reset();
    }
    return status;
  };

  if (RdKafka::Error* e = producer->begin_transaction()) return fail(e, "begin_transaction");
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& record = records[i];
    while (true) {
      RdKafka::ErrorCode code =
          producer->produce(options_.topic, record.partition >= 0 ? record.partition : RdKafka::Topic::PARTITION_UA,
                            RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(record.value.data()), record.value.size(),
                            record.key.data(), record.key.size(), 0, &slots[i]);
      if (code == RdKafka::ERR_NO_ERROR) break;
      if (code == RdKafka::ERR__QUEUE_FULL) {
        producer->poll(10);
        continue;
      }
      return fail(nullptr, absl::StrCat("produce: ", RdKafka::err2str(code)));
    }
  }
  if (RdKafka::Error* e = producer->commit_transaction(options_.transaction_timeout_ms)) {
    std::unique_ptr<RdKafka::Error> error(e);
    if (error->txn_requires_abort() || error->is_fatal()) return fail(error.release(), "commit_transaction");
    // Retriable: the commit outcome is unknown, so the producer must not be
    // reused for a new transaction; recreate it (which fences the old epoch).
    std::string message = error->str();
    producer.reset();
    return absl::UnavailableError(absl::StrCat("commit_transaction: ", message));
  }
  // commit_transaction flushed and served every delivery report.
  std::vector<es::LogPosition> positions;
  positions.reserve(records.size());
  for (size_t i = 0; i < slots.size(); ++i) {
    if (!slots[i].delivered || slots[i].error != RdKafka::ERR_NO_ERROR) {
      return absl::InternalError(absl::StrCat("transaction committed but record ", i, " has no delivery report (",
                                              RdKafka::err2str(slots[i].error), ")"));
    }
    positions.push_back(slots[i].position);
  }
  return positions;
}

namespace {

class KafkaEventLogReader final : public es::EventLogReader {
 public:
  KafkaEventLogReader(std::unique_ptr<RdKafka::KafkaConsumer> consumer, std::string topic, int partitions)
      : consumer_(std::move(consumer)), topic_(std::move(topic)), partitions_(partitions) {}
  ~KafkaEventLogReader() override {
    if (consumer_) consumer_->close();
  }

  absl::Status Seek(const es::OffsetMap& next_offsets) override {
    std::vector<RdKafka::TopicPartition*> assignment;
    eof_.clear();
    for (int p = 0; p < partitions_; ++p) {
      auto it = next_offsets.find(p);
      int64_t offset = it == next_offsets.end() ? RdKafka::Topic::OFFSET_BEGINNING : it->second.value();
      assignment.push_back(RdKafka::TopicPartition::create(topic_, p, offset));
      eof_[p] = false;
    }
    RdKafka::ErrorCode code = consumer_->assign(assignment);
    RdKafka::TopicPartition::destroy(assignment);
    if (code != RdKafka::ERR_NO_ERROR) {
      return absl::UnavailableError(absl::StrCat("assign partitions of '", topic_, "': ", RdKafka::err2str(code)));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<es::ReadResult> Read(size_t max_records, absl::Duration timeout) override {
    es::ReadResult result;
    absl::Time deadline = absl::Now() + timeout;
    while (result.records.size() < max_records) {
      int wait_ms = result.records.empty() ? static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now())) : 0;
      if (wait_ms < 0) wait_ms = 0;
      std::unique_ptr<RdKafka::Message> msg(consumer_->consume(wait_ms));
      if (msg->err() == RdKafka::ERR__TIMED_OUT) break;
      if (msg->err() == RdKafka::ERR__PARTITION_EOF) {
        eof_[msg->partition()] = true;
        if (AllAtEnd()) break;
        continue;
      }
      if (msg->err() != RdKafka::ERR_NO_ERROR) {
        return absl::UnavailableError(absl::StrCat("consume '", topic_, "': ", msg->errstr()));
      }
      eof_[msg->partition()] = false;
      es::LoggedRecord record;
      record.partition = msg->partition();
      record.offset = LogOffset(msg->offset());
      if (msg->key()) record.key = *msg->key();
      record.value.assign(static_cast<const char*>(msg->payload()), msg->len());
      result.records.push_back(std::move(record));
    }
    result.at_end = AllAtEnd();
    return result;
  }

  absl::StatusOr<int64_t> Lag() override {
    std::vector<RdKafka::TopicPartition*> positions;
    for (int p = 0; p < partitions_; ++p) positions.push_back(RdKafka::TopicPartition::create(topic_, p));
    RdKafka::ErrorCode code = consumer_->position(positions);
    int64_t lag = 0;
    for (RdKafka::TopicPartition* tp : positions) {
      if (code != RdKafka::ERR_NO_ERROR || eof_[tp->partition()]) continue;
      int64_t low = 0, high = 0;
      if (consumer_->get_watermark_offsets(topic_, tp->partition(), &low, &high) != RdKafka::ERR_NO_ERROR || high < 0) {
        // No fetch answered yet (a new reader, a slow TLS handshake; the
        // cached watermarks are then OFFSET_INVALID): how far behind is
        // unknown, which is not "caught up" (a follower that had read
        // nothing reported lag 0).
        lag += 1;
        continue;
      }
      int64_t at = tp->offset() >= 0 ? tp->offset() : low;
      if (high > at) lag += high - at;
    }
    RdKafka::TopicPartition::destroy(positions);
    if (code != RdKafka::ERR_NO_ERROR) {
      return absl::UnavailableError(absl::StrCat("positions on '", topic_, "': ", RdKafka::err2str(code)));
    }
    return lag;
  }

 private:
  bool AllAtEnd() const {
    for (const auto& [p, eof] : eof_) {
      if (!eof) return false;
    }
    return true;
  }
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::string topic_;
  int partitions_;
  std::map<int, bool> eof_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<es::EventLogReader>> KafkaEventLog::NewReader() {
  ASSIGN_OR_RETURN(std::unique_ptr<RdKafka::Conf> conf, NewConf(options_));
  // Required by the consumer API; offsets are never committed to Kafka.
  RETURN_IF_ERROR(
      SetConf(conf.get(), "group.id",
              absl::StrCat(options_.transactional_id.empty() ? "zizhu" : options_.transactional_id, "-reader")));
  RETURN_IF_ERROR(SetConf(conf.get(), "enable.auto.commit", "false"));
  RETURN_IF_ERROR(SetConf(conf.get(), "enable.auto.offset.store", "false"));
  RETURN_IF_ERROR(SetConf(conf.get(), "isolation.level", "read_committed"));
  RETURN_IF_ERROR(SetConf(conf.get(), "enable.partition.eof", "true"));
  // A fetch at the end of a partition is answered empty after this wait
  // (new records are answered at once, whatever it is): a reader learns it
  // has reached the end (a rebuild, a catch-up) 100 ms after, not 500 ms
  // (librdkafka's default); an idle follower fetches ten times a second.
  RETURN_IF_ERROR(SetConf(conf.get(), "fetch.wait.max.ms", "100"));
  RETURN_IF_ERROR(SetConf(conf.get(), "fetch.error.backoff.ms", "100"));
  RETURN_IF_ERROR(SetConf(conf.get(), "auto.offset.reset", "earliest"));
  RETURN_IF_ERROR(SetConf(conf.get(), "fetch.max.bytes", std::to_string(64 << 20)));
  RETURN_IF_ERROR(SetConf(conf.get(), "max.partition.fetch.bytes", std::to_string(8 << 20)));
  std::string err;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!consumer) return absl::UnavailableError(absl::StrCat("kafka consumer: ", err));
  return std::unique_ptr<es::EventLogReader>(
      new KafkaEventLogReader(std::move(consumer), options_.topic, partition_count_));
}

}  // namespace zizhu::kafka
