#include "services/common/core/rate_limiter.h"

#include "gtest/gtest.h"

namespace zizhu {
namespace {

TEST(RateLimiterTest, AdmitsTheLimitPerWindowAndSaysWhenToComeBack) {
  RateLimiter limiter(3, absl::Minutes(1));
  const absl::Time t0 = absl::FromUnixSeconds(1800000000);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Admit("zhao", t0 + absl::Seconds(i), "lookups").ok());
  absl::Status fourth = limiter.Admit("zhao", t0 + absl::Seconds(10), "lookups");
  EXPECT_EQ(fourth.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(fourth.message().find("try again in 50 s"), std::string::npos) << fourth;
  EXPECT_TRUE(limiter.Admit("qian", t0 + absl::Seconds(10), "lookups").ok());  // per key
  EXPECT_TRUE(limiter.Admit("zhao", t0 + absl::Seconds(60), "lookups").ok());  // the first has left the window
  EXPECT_FALSE(limiter.Admit("zhao", t0 + absl::Seconds(60), "lookups").ok());
}

TEST(RateLimiterTest, CheckCountsNothingAndRecordCountsWithoutChecking) {
  RateLimiter limiter(2, absl::Minutes(1));
  const absl::Time t0 = absl::FromUnixSeconds(1800000000);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Check("1.2.3.4", t0, "failed logins").ok());
  limiter.Record("1.2.3.4", t0);
  limiter.Record("1.2.3.4", t0);
  EXPECT_EQ(limiter.Check("1.2.3.4", t0, "failed logins").code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(limiter.Check("1.2.3.4", t0 + absl::Minutes(1), "failed logins").ok());
}

}  // namespace
}  // namespace zizhu
