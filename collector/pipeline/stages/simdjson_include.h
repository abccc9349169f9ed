// simdjson's header trips GCC 12's -Wdangling-pointer false positives under -Werror; include it
// through here so the suppression stays in one place.
#pragma once

#if defined(__GNUC__) && !defined(__clang__)  // clang has neither warning (nor the false positive)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <simdjson.h>
#pragma GCC diagnostic pop
#else
#include <simdjson.h>
#endif

namespace skald::pipeline {
// One parser per thread for the stages (a pipeline per target would otherwise keep one per target);
// a parse result is only used within the stage's Process call.
inline simdjson::dom::parser& ThreadJsonParser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}
}  // namespace skald::pipeline
