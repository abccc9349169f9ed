// The ruler's QueryFn over the store's LogQL engine: an instant metric query per rule evaluation
// (a scalar result becomes one sample without labels, as Prometheus' rule manager does).
#pragma once

#include "store/head/store_reader.h"
#include "store/ruler/rule_group.h"

namespace skald::ruler {

// reader must outlive every call of the returned function. Thread-safe.
QueryFn MakeEngineQueryFn(StoreReader* reader);

}  // namespace skald::ruler
