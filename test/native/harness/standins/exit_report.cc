// Linux harness: at process exit, after the stand-ins have dropped their own references (fault
// table, call records, keychain), prints what is still alive, per type, and how many objects
// were autoreleased with no pool. A clean run prints `"live":0` and `"poolless":0`: everything
// native/ was handed, it released.
#include "faults.h"
#include "model.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace standin {

// Lives for the process (never destroyed), so the exit handler can still read it.
const std::vector<Class*>& AllClasses() {
  static const auto* classes = new std::vector<Class*>{&gStringClass, &gNumberClass, &gDataClass, &gDateClass, &gNullClass,
                                              &gArrayClass, &gDictionaryClass, &gErrorClass, &gSetClass, &gOpaqueClass,
                                              &gKeyClass, &gCertificateClass, &gIdentityClass, &gAccessControlClass, &gKeychainItemClass, &gTrustClass,
                                              &gLAContextClass, &gExceptionClass,
                                              &gCodeClass, &gTaskClass, &gKeychainClass, &gAccessClass, &gACLClass, &gTrustedApplicationClass};
  return *classes;
}

namespace {
struct Report {
  Report() {
    atexit([] {
      ClearFaults();
      ClearCalls();
      ClearKeychain();
      long total = 0;
      std::string types;
      for (Class* c : AllClasses()) {
        long n = Live(c->type);
        total += n;
        if (n != 0) types += std::string(types.empty() ? "" : ",") + "\"" + c->name + "\":" + std::to_string(n);
      }
      fprintf(stderr, "STAND-IN EXIT {\"live\":%ld,\"types\":{%s},\"poolless\":%ld}\n", total, types.c_str(), PoollessAutoreleases());
      fflush(stderr);
    });
  }
} gReport;
}  // namespace

}  // namespace standin
