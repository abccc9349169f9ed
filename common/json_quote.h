// JsonQuote: a string as a JSON string literal (quotes, backslashes and control bytes escaped,
// other bytes as they are), for the small JSON bodies and objects written without a JSON library.
#pragma once

#include <string>
#include <string_view>

namespace skald {

std::string JsonQuote(std::string_view s);

}  // namespace skald
