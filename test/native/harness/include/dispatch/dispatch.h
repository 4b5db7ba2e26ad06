// Linux harness: the libdispatch declarations native/ uses (serial queues only).
// Implemented by standins/dispatch.cc.
#pragma once
#ifdef __cplusplus
extern "C" {
#endif
typedef struct standin_dispatch_queue* dispatch_queue_t;
typedef struct standin_dispatch_queue_attr* dispatch_queue_attr_t;
typedef long dispatch_once_t;
typedef void (^dispatch_block_t)(void);
typedef unsigned int dispatch_qos_class_t;
#define DISPATCH_QUEUE_SERIAL ((dispatch_queue_attr_t)0)
#define QOS_CLASS_USER_INITIATED 0x19
dispatch_queue_attr_t dispatch_queue_attr_make_with_qos_class(dispatch_queue_attr_t attr, dispatch_qos_class_t qos_class,
                                                              int relative_priority);
dispatch_queue_t dispatch_queue_create(const char* label, dispatch_queue_attr_t attr);
void dispatch_async(dispatch_queue_t queue, dispatch_block_t block);
void dispatch_once(dispatch_once_t* predicate, dispatch_block_t block);
#ifdef __cplusplus
}
#endif
