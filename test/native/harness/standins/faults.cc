// Linux harness: the fault table and call records (faults.h), shared by every stand-in and set
// from JavaScript by control.cc.
#include "faults.h"

#include "objc_runtime.h"

#include <chrono>
#include <map>
#include <mutex>
#include <thread>

namespace standin {

namespace {
// Never destroyed: the exit report (exit_report.cc) clears them after static destructors may have run.
std::mutex& gMutex = *new std::mutex;
std::map<std::string, Fault>& gFaults = *new std::map<std::string, Fault>;
std::map<std::string, long>& gCalls = *new std::map<std::string, long>;
std::map<std::string, Ref>& gLastArgument = *new std::map<std::string, Ref>;
}  // namespace

void SetFault(const std::string& function, Fault fault) {
  std::lock_guard<std::mutex> lock(gMutex);
  gFaults[function] = std::move(fault);
}

void ClearFaults() {
  std::map<std::string, Fault> old;
  {
    std::lock_guard<std::mutex> lock(gMutex);
    old.swap(gFaults);
  }
}

bool TakeFault(const char* function, Fault& out) {
  std::lock_guard<std::mutex> lock(gMutex);
  auto found = gFaults.find(function);
  if (found == gFaults.end()) return false;
  out = found->second;
  if (found->second.remaining > 0 && --found->second.remaining == 0) gFaults.erase(found);
  return true;
}

void NoteCall(const char* function, CFTypeRef argument) {
  Ref kept = Ref::Retain(argument);
  std::lock_guard<std::mutex> lock(gMutex);
  gCalls[function]++;
  if (argument) std::swap(gLastArgument[function], kept);
}

long CallCount(const std::string& function) {
  std::lock_guard<std::mutex> lock(gMutex);
  auto found = gCalls.find(function);
  return found == gCalls.end() ? 0 : found->second;
}

Ref LastArgument(const std::string& function) {
  std::lock_guard<std::mutex> lock(gMutex);
  auto found = gLastArgument.find(function);
  return found == gLastArgument.end() ? Ref() : found->second;
}

void ClearCalls() {
  std::map<std::string, Ref> old;
  {
    std::lock_guard<std::mutex> lock(gMutex);
    gCalls.clear();
    old.swap(gLastArgument);
  }
}

bool Decides(const Fault& fault) {
  if (fault.delayMs > 0) std::this_thread::sleep_for(std::chrono::milliseconds(fault.delayMs));
  if (!fault.raise.empty()) RaiseException(fault.raise.c_str(), "raised by the harness");
  return fault.status != 0 || fault.error || fault.returnNull || fault.result || fault.echo;
}

bool StatusFaulted(const char* function, CFTypeRef* out, OSStatus& status) {
  Fault fault;
  if (!TakeFault(function, fault) || !Decides(fault)) return false;
  status = fault.status;
  if (out && fault.result) *out = fault.result.copy();
  return true;
}

}  // namespace standin
