// File: utf8.h
// -----------------------------------------------------------------------------
// UTF-8 validation that names the first bad byte, and the small decode/encode
// helpers the analyzer uses on text already known to be well-formed.
//
//   KHABAR_RETURN_IF_ERROR(base::ValidateUtf8("seed3.txt", text));
//   // -> InvalidArgument "seed3.txt: invalid UTF-8 at byte 812"
#ifndef KHABAR_COMMON_BASE_UTF8_H_
#define KHABAR_COMMON_BASE_UTF8_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace khabar::base {

// Byte offset of the first byte of the first ill-formed sequence (overlongs,
// surrogates, code points past U+10FFFF and truncated sequences are
// ill-formed), or nullopt when `text` is well-formed UTF-8.
std::optional<size_t> FindInvalidUtf8(absl::string_view text);

// OkStatus, or InvalidArgument "<source>: invalid UTF-8 at byte <offset>".
absl::Status ValidateUtf8(absl::string_view source, absl::string_view text);

// Decodes the code point at text[*pos] and advances *pos past it.
// REQUIRES: `text` is well-formed and *pos < text.size().
char32_t DecodeUtf8(absl::string_view text, size_t* pos);

// Appends the UTF-8 encoding of `cp` (a scalar value) to `*out`.
void AppendUtf8(char32_t cp, std::string* out);

// Code points in valid UTF-8 `text` (its lead bytes). A 1-based character
// position for error messages is CountCodePoints(text.substr(0, offset)) + 1.
size_t CountCodePoints(absl::string_view text);

}  // namespace khabar::base

#endif  // KHABAR_COMMON_BASE_UTF8_H_
