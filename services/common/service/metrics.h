// Prometheus metrics of a hosted service, served over HTTP at /metrics when
// ServiceHostOptions::metrics_address is set (prometheus-cpp's pull exposer).
// Values are read from the host when scraped; nothing is kept twice.
//
//   zizhu_subscription_lag_records{service,topic}        gauge
//   zizhu_subscription_applied_events_total{service,topic} counter
//   zizhu_subscription_reactions_total{service,topic}    counter
//   zizhu_subscription_skipped_events_total{service,topic} counter
//   zizhu_subscription_healthy{service,topic}            gauge (0 while last_error is set)
//   zizhu_commands_total{service}, zizhu_command_batches_total{service},
//   zizhu_events_appended_total{service}, zizhu_failed_appends_total{service}
//
// Thread-safety: Collect() runs on the exposer's threads; the sources it
// reads are thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "prometheus/collectable.h"
#include "services/common/es/command_processor.h"
#include "services/common/es/subscription.h"

namespace zizhu::service {

class HostMetrics final : public prometheus::Collectable {
 public:
  HostMetrics(std::string service, std::function<std::vector<es::SubscriptionStatus>()> subscriptions,
              std::function<es::CommandProcessorStats()> processor)
      : service_(std::move(service)), subscriptions_(std::move(subscriptions)), processor_(std::move(processor)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::string service_;
  std::function<std::vector<es::SubscriptionStatus>()> subscriptions_;
  std::function<es::CommandProcessorStats()> processor_;
};

}  // namespace zizhu::service
