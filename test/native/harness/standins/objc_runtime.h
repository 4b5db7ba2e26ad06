// Linux harness: what the stand-in frameworks need from the Objective-C runtime stand-in.
#pragma once

#include "model.h"

namespace standin {

struct Selector {
  const char* name;
  const char* types;
};

// Autoreleases `object` in the calling thread's innermost pool (counted when there is none).
void* Autorelease(void* object);
// Raises an Objective-C exception (NSException with this name and reason), as Apple's
// frameworks do for programming errors. Unwinds like a C++ exception: an @catch for
// NSException* catches it; anything else that lets it pass ends the process.
[[noreturn]] void RaiseException(const char* name, const char* reason);

}  // namespace standin
