#include <catch2/catch.hpp>

#include "domain/name_words.h"

using kassa::domain::index_words;
using kassa::domain::name_words;
using Words = std::vector<std::string>;

TEST_CASE("a name's words are folded to lower-case ASCII", "[domain][names]") {
  CHECK(name_words("Dewaele") == Words{"dewaele"});
  CHECK(name_words("DEWAELE") == Words{"dewaele"});
  CHECK(name_words("Déwaële") == Words{"dewaele"});
  CHECK(name_words("De\xCC\x81waele") == Words{"dewaele"});  // e + combining acute
  CHECK(name_words("François Müller") == Words{"francois", "muller"});
  CHECK(name_words("Łukasz Wałęsa") == Words{"lukasz", "walesa"});
  CHECK(name_words("Strauß Ærøskøbing Œuvre") == Words{"strauss", "aeroskobing", "oeuvre"});
  CHECK(name_words("Ştefan Țurcanu") == Words{"stefan", "turcanu"});
  CHECK(name_words("Ĳsbrand") == Words{"ijsbrand"});
}

TEST_CASE("anything but a letter or digit separates words", "[domain][names]") {
  CHECK(name_words("Jean-Pierre") == Words{"jean", "pierre"});
  CHECK(name_words("D'Hondt") == Words{"d", "hondt"});
  CHECK(name_words("D\xE2\x80\x99Hondt") == Words{"d", "hondt"});  // right single quotation mark
  CHECK(name_words("  Van\tden  Bossche. ") == Words{"van", "den", "bossche"});
  CHECK(name_words("a\xC2\xA0"
                   "b") == Words{"a", "b"});           // no-break space
  CHECK(name_words("x\xC3\x97y") == Words{"x", "y"});  // multiplication sign
  CHECK(name_words("ab\xFF"
                   "cd\xC3") == Words{"ab", "cd"});  // malformed UTF-8
  CHECK(name_words("\xE0\x80\x80"
                   "z") == Words{"z"});  // overlong
  CHECK(name_words("").empty());
  CHECK(name_words(" -'. ").empty());
}

TEST_CASE("Vietnamese, Greek and Cyrillic letters fold however they were typed",
          "[domain][names]") {
  // Before: letters past Latin Extended-A were kept as written, so a
  // precomposed "ễ" (U+1EC5) and an upper-case name never matched.
  const Words nguyen{"nguyen"};
  CHECK(name_words("Nguy\xE1\xBB\x85n") == nguyen);       // precomposed ễ
  CHECK(name_words("Nguye\xCC\x82\xCC\x83n") == nguyen);  // e + circumflex + tilde
  CHECK(name_words("NGUY\xE1\xBB\x84N") == nguyen);       // precomposed Ễ
  CHECK(name_words("Ǆuro İstanbul Ŀlull") == Words{"dzuro", "istanbul", "llull"});
  CHECK(name_words("ΠΑΠΑΔΌΠΟΥΛΟΣ") == name_words("Παπαδόπουλος"));
  CHECK(name_words("Παπαδόπουλος") == Words{"παπαδοπουλοσ"});
  CHECK(name_words("ИВАН Петров") == Words{"иван", "петров"});
  CHECK(name_words("Ωmega;") == Words{"ωmega"});
}

TEST_CASE("letters of scripts without a table are kept as written", "[domain][names]") {
  CHECK(name_words("山田 太郎") == Words{"山田", "太郎"});
}

TEST_CASE("a person's index words: each word, and a name of several as one", "[domain][names]") {
  CHECK(index_words("Camille", "Dewaele") == Words{"camille", "dewaele"});
  CHECK(index_words("Jan", "Van den Bossche") ==
        Words{"bossche", "den", "jan", "van", "vandenbossche"});
  CHECK(index_words("Anne", "D'Hondt") == Words{"anne", "d", "dhondt", "hondt"});
  CHECK(index_words("Jean-Pierre", "Jean") == Words{"jean", "jeanpierre", "pierre"});
  CHECK(index_words("", "").empty());
}
