#include "query_service/analysis/stopwords.h"

#include "absl/container/flat_hash_set.h"

namespace khabar::analysis {
namespace {

// Normalized forms only (ا for أ/إ/آ, ي for ى, ه for ة).
constexpr absl::string_view kStopwords[] = {
    // prepositions and particles
    "في", "من", "الي", "عن", "مع", "منذ", "حتي", "لدي", "عند", "نحو", "ضد", "دون", "عبر",
    "خلال", "بين", "حول", "وفي", "ومن", "والي", "وعن", "ومع", "فيه", "فيها", "منه", "منها",
    "عنه", "عنها", "اليه", "اليها", "به", "بها", "له", "لها", "لهم", "بهم", "فيهم", "منهم",
    "عليه", "عليها", "عليهم",
    // conjunctions and discourse particles
    "و", "او", "ام", "ثم", "بل", "لكن", "لكن", "ولكن", "حيث", "اذ", "اذا", "ان", "انه", "انها",
    "لان", "كي", "لكي", "لو", "لولا", "اما", "اي", "ايضا", "كما", "فقط", "قد", "لقد", "وقد",
    "سوف", "هل", "ما", "ماذا", "متي", "اين", "كيف", "لماذا", "لا", "لم", "لن", "ليس", "ليست",
    "غير", "سوي", "الا", "بعض", "كل", "جميع", "عده", "اخري", "اخر",
    // pronouns
    "هو", "هي", "هم", "هن", "هما", "انا", "نحن", "انت", "انتم", "انتما",
    // demonstratives and relatives
    "هذا", "هذه", "ذلك", "تلك", "هؤلاء", "اولئك", "هناك", "هنا", "الذي", "التي", "الذين",
    "اللذان", "اللتان", "اللاتي", "اللواتي",
    // auxiliaries and reporting verbs
    "كان", "كانت", "كانوا", "يكون", "تكون", "وكان", "وكانت", "اصبح", "اصبحت", "ظل", "مازال",
    "قال", "وقال", "قالت", "وقالت", "اكد", "واكد", "اضاف", "واضاف",
    // time and quantity function words
    "بعد", "قبل", "عندما", "بينما", "ثمه", "اكثر", "اقل", "نفس", "ذات", "مثل", "وهو", "وهي",
    "الان", "حين", "كذلك", "لذلك", "تم", "يتم",
};

const absl::flat_hash_set<absl::string_view>& Set() {
  static const auto* set =
      new absl::flat_hash_set<absl::string_view>(std::begin(kStopwords), std::end(kStopwords));
  return *set;
}

}  // namespace

bool IsStopword(absl::string_view normalized_term) { return Set().contains(normalized_term); }

}  // namespace khabar::analysis
