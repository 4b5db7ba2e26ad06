// Linux harness: serial dispatch queues (one thread each, blocks run in order) and
// dispatch_once — what native/sec_queue.mm uses of libdispatch.
#include <dispatch/dispatch.h>

#include <Block.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

struct standin_dispatch_queue {
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<void*> blocks;
};

extern "C" {

dispatch_queue_attr_t dispatch_queue_attr_make_with_qos_class(dispatch_queue_attr_t attr, dispatch_qos_class_t, int) {
  return attr;
}

// Queues live for the process, as native/ keeps them.
dispatch_queue_t dispatch_queue_create(const char*, dispatch_queue_attr_t) {
  auto* queue = new standin_dispatch_queue();
  std::thread([queue] {
    for (;;) {
      void* block;
      {
        std::unique_lock<std::mutex> lock(queue->mutex);
        queue->ready.wait(lock, [queue] { return !queue->blocks.empty(); });
        block = queue->blocks.front();
        queue->blocks.pop_front();
      }
      reinterpret_cast<dispatch_block_t>(block)();
      _Block_release(block);
    }
  }).detach();
  return queue;
}

void dispatch_async(dispatch_queue_t queue, dispatch_block_t block) {
  void* copy = _Block_copy(block);
  {
    std::lock_guard<std::mutex> lock(queue->mutex);
    queue->blocks.push_back(copy);
  }
  queue->ready.notify_one();
}

void dispatch_once(dispatch_once_t* predicate, dispatch_block_t block) {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  if (*predicate != ~0L) {
    block();
    *predicate = ~0L;
  }
}

}  // extern "C"
