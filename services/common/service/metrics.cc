#include "services/common/service/metrics.h"

#include "prometheus/client_metric.h"
#include "prometheus/metric_family.h"
#include "prometheus/metric_type.h"

namespace zizhu::service {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily Family(const std::string& name, const std::string& help, MetricType type) {
  MetricFamily family;
  family.name = name;
  family.help = help;
  family.type = type;
  return family;
}

void Add(MetricFamily& family, std::vector<ClientMetric::Label> labels, double value) {
  ClientMetric metric;
  metric.label = std::move(labels);
  if (family.type == MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(std::move(metric));
}

}  // namespace

std::vector<MetricFamily> HostMetrics::Collect() const {
  MetricFamily lag =
      Family("zizhu_subscription_lag_records",
             "records of the upstream topic not yet applied (-1 before the first read)", MetricType::Gauge);
  MetricFamily applied =
      Family("zizhu_subscription_applied_events_total", "upstream events applied since start", MetricType::Counter);
  MetricFamily reactions =
      Family("zizhu_subscription_reactions_total", "reactions run since start (repeats included)", MetricType::Counter);
  MetricFamily skipped = Family("zizhu_subscription_skipped_events_total",
                                "upstream events of types this service does not handle", MetricType::Counter);
  MetricFamily healthy =
      Family("zizhu_subscription_healthy", "1 while following without error, 0 while retrying", MetricType::Gauge);
  for (const es::SubscriptionStatus& s : subscriptions_()) {
    std::vector<ClientMetric::Label> labels = {{"service", service_}, {"topic", s.topic}};
    Add(lag, labels, static_cast<double>(s.lag_records));
    Add(applied, labels, static_cast<double>(s.applied_events));
    Add(reactions, labels, static_cast<double>(s.reactions));
    Add(skipped, labels, static_cast<double>(s.skipped_events));
    Add(healthy, labels, s.last_error.empty() ? 1 : 0);
  }
  const es::CommandProcessorStats stats = processor_();
  std::vector<ClientMetric::Label> labels = {{"service", service_}};
  MetricFamily commands = Family("zizhu_commands_total", "commands taken by the writer", MetricType::Counter);
  MetricFamily batches = Family("zizhu_command_batches_total", "group-committed batches", MetricType::Counter);
  MetricFamily events = Family("zizhu_events_appended_total", "events appended to the own topic", MetricType::Counter);
  MetricFamily failed =
      Family("zizhu_failed_appends_total", "appends that failed (commands answered UNAVAILABLE)", MetricType::Counter);
  Add(commands, labels, static_cast<double>(stats.commands));
  Add(batches, labels, static_cast<double>(stats.batches));
  Add(events, labels, static_cast<double>(stats.events));
  Add(failed, labels, static_cast<double>(stats.failed_appends));
  MetricFamily writer = Family("zizhu_writer_seconds_total",
                               "the writer's time by phase: decide, append (the log's transaction), "
                               "store_commit (the projection's write), answer",
                               MetricType::Counter);
  for (const auto& [phase, micros] : {std::pair<const char*, int64_t>{"decide", stats.decide_micros},
                                      {"append", stats.append_micros},
                                      {"store_commit", stats.store_commit_micros},
                                      {"answer", stats.answer_micros}}) {
    Add(writer, {{"service", service_}, {"phase", phase}}, static_cast<double>(micros) / 1e6);
  }
  return {lag, applied, reactions, skipped, healthy, commands, batches, events, failed, writer};
}

}  // namespace zizhu::service
