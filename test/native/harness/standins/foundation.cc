// Linux harness: the Foundation methods native/ sends — NSString (toll-free bridged with the
// CFString stand-in: the same objects) and NSError (bridged with CFError) — and the NSString
// class object the code refers to.
#include "model.h"
#include "objc_runtime.h"

#include <cstring>

using namespace standin;

namespace {

STANDIN_CLASS Class gStringMetaclass{nullptr, "NSString class", kNone, {}, nullptr};
STANDIN_CLASS Class gStringClassObject{&gStringMetaclass, "NSString", kNone, {}, nullptr};

// + (instancetype)stringWithCharacters:(const unichar*)characters length:(NSUInteger)length — autoreleased.
void* StringWithCharacters(void*, Selector*, const uint16_t* characters, unsigned long length) {
  if (length > 0 && !characters) Die("+[NSString stringWithCharacters:length:] with NULL characters");
  return Autorelease(MakeString(std::u16string(reinterpret_cast<const char16_t*>(characters), length)));
}
// - (const char*)UTF8String — NULL when the string cannot be encoded (unpaired surrogates).
const char* Utf8String(String* s, Selector*) { return ToUtf8(s->units, s->utf8) ? s->utf8.c_str() : nullptr; }
unsigned long Length(String* s, Selector*) { return s->units.size(); }
void GetCharacters(String* s, Selector*, uint16_t* buffer, unsigned long location, unsigned long length) {
  if (location + length > s->units.size()) Die("-[NSString getCharacters:range:] range out of bounds (NSRangeException)");
  memcpy(buffer, s->units.data() + location, length * sizeof(uint16_t));
}
bool IsEqualToString(String* s, Selector*, String* other) { return other && s->units == other->units; }

void* ErrorDomain(Error* e, Selector*) { return const_cast<void*>(static_cast<const void*>(e->domain)); }
long ErrorCode(Error* e, Selector*) { return e->code; }
void* ErrorDescription(Error* e, Selector*) { return const_cast<void*>(static_cast<const void*>(e->description)); }

struct Register {
  Register() {
    gStringMetaclass.methods = {{"stringWithCharacters:length:", reinterpret_cast<void*>(StringWithCharacters)}};
    gStringClass.methods = {{"UTF8String", reinterpret_cast<void*>(Utf8String)},
                            {"length", reinterpret_cast<void*>(Length)},
                            {"getCharacters:range:", reinterpret_cast<void*>(GetCharacters)},
                            {"isEqualToString:", reinterpret_cast<void*>(IsEqualToString)}};
    gErrorClass.methods = {{"domain", reinterpret_cast<void*>(ErrorDomain)},
                           {"code", reinterpret_cast<void*>(ErrorCode)},
                           {"localizedDescription", reinterpret_cast<void*>(ErrorDescription)}};
  }
} gRegister;

}  // namespace

// The GNUstep-2.0 ABI reaches a class object through a symbol named after it.
Class* gNSStringReference __asm__("._OBJC_REF_CLASS_NSString") = &gStringClassObject;
