// Executor: a fixed pool of threads running posted tasks in FIFO order.
// Used to take work off threads that must not block (the command
// processor's writer hands every answer to one).
//
// Lifecycle: threads start in the constructor; the destructor runs every
// task already posted, then joins. Post() is thread-safe; a task posted
// after the destructor began runs inline on the posting thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace zizhu {

class Executor {
 public:
  // `name` names the threads (at most 15 characters are shown by the OS).
  Executor(int threads, std::string name);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  void Post(std::function<void()> task);

 private:
  void Loop();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::string name_;
  std::vector<std::thread> threads_;
};

}  // namespace zizhu
