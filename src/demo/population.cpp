#include "demo/population.h"

#include "demo/generator.h"

namespace kassa::demo {

Result<PopulationSummary> generate_population(log::EventLog& log, log::KeyStore& keys,
                                              log::Random& random, const PopulationSpec& spec,
                                              const Progress& progress) {
  const auto rulebook = domain::Rulebook::belgian_default();
  if (spec.persons < 1 || spec.persons > 9'000'000 || spec.companies < 0 ||
      spec.persons + spec.companies > 9'999'999) {
    return Error::invalid("persons", "PopulationSpec",
                          "persons: 1..9,000,000, and persons + companies at most 9,999,999 "
                          "(member numbers)");
  }
  if (spec.from_year > spec.to_year || spec.from_year < 2006 ||
      !rulebook.year(spec.from_year).ok() || !rulebook.year(spec.to_year).ok()) {
    return Error::invalid("from_year", "PopulationSpec",
                          "from_year..to_year: years of the rulebook, from_year <= to_year");
  }
  if (spec.spills() && spec.scratch_dir.empty()) {
    return Error::invalid("scratch_dir", "PopulationSpec",
                          "more persons than cached_persons need a scratch_dir to spill states to");
  }
  detail::Generator generator(log, keys, random, spec, progress);
  return generator.run();
}

}  // namespace kassa::demo
