#include "sec_queue.h"

namespace sf {

namespace {

dispatch_queue_t MakeSerialQueue(const char* label) {
  dispatch_queue_attr_t attributes =
      dispatch_queue_attr_make_with_qos_class(DISPATCH_QUEUE_SERIAL, QOS_CLASS_USER_INITIATED, 0);
  return dispatch_queue_create(label, attributes);
}

}  // namespace

dispatch_queue_t SecurityQueue() {
  static dispatch_queue_t queue;  // strong under ARC; lives for the process
  static dispatch_once_t once;
  dispatch_once(&once, ^{
    queue = MakeSerialQueue("security-framework.security");
  });
  return queue;
}

dispatch_queue_t AuthenticationQueue() {
  static dispatch_queue_t queue;
  static dispatch_once_t once;
  dispatch_once(&once, ^{
    queue = MakeSerialQueue("security-framework.authentication");
  });
  return queue;
}

}  // namespace sf
