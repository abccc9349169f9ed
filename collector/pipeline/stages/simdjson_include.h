// simdjson's header trips GCC 12's -Wdangling-pointer false positives under -Werror; include it
// through here so the suppression stays in one place.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <simdjson.h>
#pragma GCC diagnostic pop
