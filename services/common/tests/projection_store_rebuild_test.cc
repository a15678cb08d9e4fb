// A rebuild is built beside the live database: queries keep reading the
// complete old projection until the swap, and an interrupted rebuild leaves
// the live one intact.
#include <filesystem>

#include "gtest/gtest.h"
#include "services/common/storage/projection_store.h"

namespace zizhu::storage {
namespace {

class ProjectionStoreRebuildTest : public testing::Test {
 protected:
  void SetUp() override {
    path_ = testing::TempDir() + "/rebuild_" + testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(path_);
    std::filesystem::remove_all(path_ + ".rebuild");
    store_ = ProjectionStore::Open({path_}).value();
    ProjectionBatch batch = store_->NewBatch();
    batch.Put("k/1", "old");
    ASSERT_TRUE(store_->Commit(batch).ok());
  }
  std::string Read(const std::string& key) {
    auto row = store_->Get(key).value();
    return row ? *row : "<absent>";
  }
  std::string path_;
  std::unique_ptr<ProjectionStore> store_;
};

TEST_F(ProjectionStoreRebuildTest, QueriesReadTheOldProjectionUntilTheSwap) {
  ASSERT_TRUE(store_->BeginRebuild().ok());
  ProjectionBatch batch = store_->NewBatch();
  EXPECT_FALSE(batch.Get("k/1").value().has_value());  // the writer sees the new, empty database
  batch.Put("k/2", "new");
  ASSERT_TRUE(store_->Commit(batch).ok());
  EXPECT_EQ(Read("k/1"), "old");
  EXPECT_EQ(Read("k/2"), "<absent>");
  ASSERT_TRUE(store_->FinishRebuild().ok());
  EXPECT_EQ(Read("k/1"), "<absent>");
  EXPECT_EQ(Read("k/2"), "new");
  EXPECT_FALSE(std::filesystem::exists(path_ + ".rebuild"));
}

TEST_F(ProjectionStoreRebuildTest, AbortKeepsTheLiveProjection) {
  ASSERT_TRUE(store_->BeginRebuild().ok());
  ProjectionBatch batch = store_->NewBatch();
  batch.Put("k/2", "new");
  ASSERT_TRUE(store_->Commit(batch).ok());
  store_->AbortRebuild();
  EXPECT_EQ(Read("k/1"), "old");
  ProjectionBatch after = store_->NewBatch();
  EXPECT_EQ(after.Get("k/1").value().value_or(""), "old");
}

TEST_F(ProjectionStoreRebuildTest, AHalfBuiltRebuildLeftByACrashIsDroppedOnOpen) {
  store_.reset();
  {
    // What a process killed during a rebuild leaves: a database beside the live one.
    auto half = ProjectionStore::Open({path_ + ".rebuild"}).value();
    ProjectionBatch batch = half->NewBatch();
    batch.Put("k/2", "half");
    ASSERT_TRUE(half->Commit(batch).ok());
  }
  ASSERT_TRUE(std::filesystem::exists(path_ + ".rebuild"));
  store_ = ProjectionStore::Open({path_}).value();
  EXPECT_FALSE(std::filesystem::exists(path_ + ".rebuild"));
  EXPECT_EQ(Read("k/1"), "old");
  EXPECT_EQ(Read("k/2"), "<absent>");
}

}  // namespace
}  // namespace zizhu::storage
