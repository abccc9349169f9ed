// Process shutdown signalling: SIGTERM/SIGINT (or a programmatic request) set a flag that any
// thread can poll or block on. Async-signal-safe: the handler only stores an atomic and writes a pipe.
#pragma once

#include <cstdint>

namespace skald::shutdown {

// Installs the SIGTERM/SIGINT handlers (idempotent). A second signal after the first exits the
// process immediately with status 1 (a stuck shutdown can still be interrupted).
void InstallSignalHandlers();

// Marks shutdown as requested and wakes every waiter (same effect as a signal).
void Request();

bool Requested();

// Blocks until shutdown is requested.
void Wait();

// Blocks up to timeout_ms; true if shutdown was requested.
bool WaitFor(int64_t timeout_ms);

// The signal number that triggered shutdown, 0 if none (or programmatic).
int Signal();

// Tests only: clears the requested state.
void ResetForTest();

}  // namespace skald::shutdown
