#include "services/common/kafka/kafka_event_log.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <cstdlib>
#include <map>

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

absl::Status FromKafkaError(RdKafka::Error* error, const std::string& what) {
  std::unique_ptr<RdKafka::Error> owned(error);
  if (!owned) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(what, ": ", owned->str()));
}

absl::StatusOr<int> PartitionCount(RdKafka::Handle* handle, const std::string& topic, int timeout_ms) {
  std::string err;
  std::unique_ptr<RdKafka::Topic> t(RdKafka::Topic::create(handle, topic, nullptr, err));
  if (!t) return absl::UnavailableError(absl::StrCat("topic handle '", topic, "': ", err));
  RdKafka::Metadata* raw = nullptr;
  RdKafka::ErrorCode code = handle->metadata(false, t.get(), &raw, timeout_ms);
  std::unique_ptr<RdKafka::Metadata> md(raw);
  if (code != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("metadata for topic '", topic, "': ", RdKafka::err2str(code)));
  }
  for (const auto* tm : *md->topics()) {
    if (tm->topic() == topic) {
      if (tm->err() != RdKafka::ERR_NO_ERROR) {
        return absl::UnavailableError(absl::StrCat("topic '", topic, "': ", RdKafka::err2str(tm->err())));
      }
      return static_cast<int>(tm->partitions()->size());
    }
  }
  return absl::NotFoundError(absl::StrCat("topic '", topic, "' not found"));
}

}  // namespace

absl::Status EnsureTopic(const std::string& bootstrap_servers, const std::string& topic, int partitions,
                         int replication_factor, int timeout_ms) {
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap_servers.c_str(), errstr, sizeof errstr) !=
      RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return absl::InvalidArgumentError(absl::StrCat("bootstrap.servers '", bootstrap_servers, "': ", errstr));
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return absl::UnavailableError(absl::StrCat("kafka admin client: ", errstr));
  }
  rd_kafka_NewTopic_t* new_topic =
      rd_kafka_NewTopic_new(topic.c_str(), partitions, replication_factor, errstr, sizeof errstr);
  rd_kafka_NewTopic_set_config(new_topic, "retention.ms", "-1");
  rd_kafka_NewTopic_set_config(new_topic, "retention.bytes", "-1");
  rd_kafka_NewTopic_set_config(new_topic, "cleanup.policy", "delete");
  rd_kafka_NewTopic_set_config(new_topic, "min.insync.replicas", replication_factor >= 3 ? "2" : "1");
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(options, timeout_ms, errstr, sizeof errstr);
  rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, errstr, sizeof errstr);
  rd_kafka_CreateTopics(rk, &new_topic, 1, options, queue);
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
      if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        status = absl::UnavailableError(absl::StrCat(
            "creating topic '", topic, "': ", rd_kafka_err2str(err), " ",
            rd_kafka_topic_result_error_string(topics[i]) ? rd_kafka_topic_result_error_string(topics[i]) : ""));
      }
    }
  }
  if (event) rd_kafka_event_destroy(event);
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_NewTopic_destroy(new_topic);
  rd_kafka_queue_destroy(queue);
  rd_kafka_destroy(rk);
  return status;
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
  // The broker may still be starting: retry topic creation until the deadline.
  absl::Time deadline = absl::Now() + absl::Milliseconds(options.connect_timeout_ms);
  absl::Status ensured;
  do {
    ensured = EnsureTopic(options.bootstrap_servers, options.topic, options.partitions, options.replication_factor,
                          options.request_timeout_ms);
    if (ensured.ok()) break;
    absl::SleepFor(absl::Milliseconds(500));
  } while (absl::Now() < deadline);
  RETURN_IF_ERROR(ensured);
  std::unique_ptr<KafkaEventLog> log(new KafkaEventLog(std::move(options)));
  log->collector_ = std::make_unique<DeliveryCollector>();
  if (log->options_.read_only) {
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    RETURN_IF_ERROR(SetConf(conf.get(), "bootstrap.servers", log->options_.bootstrap_servers));
    std::string err;
    std::unique_ptr<RdKafka::Producer> metadata(RdKafka::Producer::create(conf.get(), err));
    if (!metadata) return absl::UnavailableError(absl::StrCat("kafka metadata client: ", err));
    ASSIGN_OR_RETURN(log->partition_count_,
                     PartitionCount(metadata.get(), log->options_.topic, log->options_.request_timeout_ms));
    return log;
  }
  RETURN_IF_ERROR(log->CreateProducer());
  return log;
}

KafkaEventLog::KafkaEventLog(KafkaEventLogOptions options) : options_(std::move(options)) {}

KafkaEventLog::~KafkaEventLog() {
  if (producer_) producer_->flush(5000);
}

absl::Status KafkaEventLog::CreateProducer() {
  producer_.reset();
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  RETURN_IF_ERROR(SetConf(conf.get(), "bootstrap.servers", options_.bootstrap_servers));
  RETURN_IF_ERROR(SetConf(conf.get(), "enable.idempotence", "true"));
  RETURN_IF_ERROR(SetConf(conf.get(), "acks", "all"));
  RETURN_IF_ERROR(SetConf(conf.get(), "transactional.id", options_.transactional_id));
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
  producer_.reset(RdKafka::Producer::create(conf.get(), err));
  if (!producer_) return absl::UnavailableError(absl::StrCat("kafka producer: ", err));
  RETURN_IF_ERROR(FromKafkaError(producer_->init_transactions(options_.connect_timeout_ms),
                                 absl::StrCat("init_transactions for '", options_.transactional_id, "'")));
  ASSIGN_OR_RETURN(partition_count_, PartitionCount(producer_.get(), options_.topic, options_.request_timeout_ms));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<es::LogPosition>> KafkaEventLog::AppendAtomically(
    const std::vector<es::AppendRecord>& records) {
  if (options_.read_only) {
    return absl::FailedPreconditionError(absl::StrCat("topic '", options_.topic, "' was opened read-only"));
  }
  if (!producer_) RETURN_IF_ERROR(CreateProducer());
  std::vector<DeliveryCollector::Slot> slots(records.size());
  auto fail = [&](RdKafka::Error* raw, const std::string& what) -> absl::Status {
    std::unique_ptr<RdKafka::Error> error(raw);
    absl::Status status = absl::UnavailableError(absl::StrCat(what, ": ", error ? error->str() : "unknown"));
    if (error && error->is_fatal()) {
      producer_.reset();  // recreated (and the old epoch fenced) on the next append
    } else {
      std::unique_ptr<RdKafka::Error> abort_error(producer_->abort_transaction(options_.transaction_timeout_ms));
      if (abort_error) producer_.reset();
    }
    return status;
  };

  if (RdKafka::Error* e = producer_->begin_transaction()) return fail(e, "begin_transaction");
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& record = records[i];
    while (true) {
      RdKafka::ErrorCode code =
          producer_->produce(options_.topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                             const_cast<char*>(record.value.data()), record.value.size(), record.key.data(),
                             record.key.size(), 0, &slots[i]);
      if (code == RdKafka::ERR_NO_ERROR) break;
      if (code == RdKafka::ERR__QUEUE_FULL) {
        producer_->poll(10);
        continue;
      }
      return fail(nullptr, absl::StrCat("produce: ", RdKafka::err2str(code)));
    }
  }
  if (RdKafka::Error* e = producer_->commit_transaction(options_.transaction_timeout_ms)) {
    std::unique_ptr<RdKafka::Error> error(e);
    if (error->txn_requires_abort() || error->is_fatal()) return fail(error.release(), "commit_transaction");
    // Retriable: the commit outcome is unknown, so the producer must not be
    // reused for a new transaction; recreate it (which fences the old epoch).
    std::string message = error->str();
    producer_.reset();
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
      if (consumer_->get_watermark_offsets(topic_, tp->partition(), &low, &high) != RdKafka::ERR_NO_ERROR) continue;
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
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  RETURN_IF_ERROR(SetConf(conf.get(), "bootstrap.servers", options_.bootstrap_servers));
  // Required by the consumer API; offsets are never committed to Kafka.
  RETURN_IF_ERROR(
      SetConf(conf.get(), "group.id",
              absl::StrCat(options_.transactional_id.empty() ? "zizhu" : options_.transactional_id, "-reader")));
  RETURN_IF_ERROR(SetConf(conf.get(), "enable.auto.commit", "false"));
  RETURN_IF_ERROR(SetConf(conf.get(), "enable.auto.offset.store", "false"));
  RETURN_IF_ERROR(SetConf(conf.get(), "isolation.level", "read_committed"));
  RETURN_IF_ERROR(SetConf(conf.get(), "enable.partition.eof", "true"));
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
