// The console's words in French, Dutch and English (words_<lang>.js).
// t(key, {name: value})
// fills {name} placeholders. The chosen language is kept in localStorage:
// it is a preference, not personal data (the token never is: session.js).

import fr from "./words_fr.js";
import nl from "./words_nl.js";
import en from "./words_en.js";

const MESSAGES = { fr, nl, en };

// The API's rules (its errors' "error") in words, where the console has
// them; any other rule shows the API's own message.
const RULES = {
  fr: {
    NissFormat: "Un NISS a 11 chiffres.",
    NissChecksum: "Ce NISS n'est pas valide (chiffres de contrôle).",
    AmountFormat: "Montant attendu comme 1 234,56.",
    AmountAsString: "Montant attendu comme 1 234,56.",
    DateFormat: "Date attendue au format jj/mm/aaaa.",
    FieldRequired: "Champ obligatoire.",
    PurposeRequired: "Le motif de la consultation est obligatoire.",
    CommunicationFormat: "Communication attendue comme +++123/4567/89012+++.",
    CommunicationOfAnotherMember: "Cette communication est celle d'un autre membre.",
    IdempotencyKeyInFlight: "Ce paiement est en cours d'enregistrement.",
    StructuredCommunicationCheckDigits: "Les chiffres de contrôle de cette communication ne correspondent pas.",
    PaymentNotPositive: "Un paiement est supérieur à 0.",
    ValueDateInFuture: "La date valeur ne peut pas être dans le futur.",
    SuspenseItemAlreadyMatched: "Cette ligne est déjà affectée à un autre payeur.",
    SuspenseItemUnknown: "Cette ligne bancaire est inconnue.",
    RefundAccountUnknown: "La personne n'a communiqué aucun compte : indiquez l'IBAN à créditer.",
    RefundExceedsCredit: "Le remboursement dépasse ce que la caisse doit à la personne.",
    NothingOwed: "Rien n'est dû pour ces trimestres.",
    PaymentPlanRequestPending: "Une demande de plan de paiement est déjà en attente.",
    NoPaymentPlanRequest: "Aucune demande de plan de paiement n'est en attente.",
    QuarterPrincipalUnpaid: "La cotisation du trimestre n'est pas entièrement payée.",
    NothingToWaive: "Aucune majoration à remettre pour ces trimestres.",
    DispenseRequestTooLate: "La dispense se demande dans les 12 mois qui suivent le trimestre.",
    DispenseAlreadyRequested: "Une dispense est déjà demandée pour ce trimestre.",
    WaiverAlreadyRequested: "Une renonciation est déjà demandée pour ce trimestre.",
    DispenseMainOccupationOnly: "La dispense est réservée aux indépendants à titre principal.",
    RefundAlreadyRecorded: "Un autre remboursement porte déjà cette référence.",
    ReasonRequired: "Le code et la motivation du refus sont obligatoires.",
    AppealBodyRequired: "Indiquez auprès de qui former un recours.",
    AppealDeadlineRequired: "Indiquez le délai de recours.",
    IbanFormat: "IBAN attendu comme BE68 5390 0754 7034.",
    IbanCheckDigits: "Cet IBAN n'est pas valide (chiffres de contrôle).",
    IbanCountry: "Ce pays n'utilise pas d'IBAN reconnu.",
    QuartersRequired: "Indiquez au moins un trimestre.",
    QuarterFormat: "Trimestres attendus comme 2025-Q1.",
    InstalmentsRequired: "Au moins une échéance.",
    NothingToChange: "Remplissez au moins un champ à modifier.",
    NameFormat: "Un nom de 100 caractères au plus, non vide.",
    AddressFormat: "Adresse incomplète ou mal formée : rue, code postal (4 chiffres en Belgique), commune, pays en deux lettres (BE).",
    EmailFormat: "Adresse e-mail attendue comme nom@exemple.be.",
    PhoneFormat: "Numéro attendu comme +32 2 123 45 67 (8 à 15 chiffres).",
    PersonalDataErased: "Les données personnelles de cette personne ont été effacées.",
  },
  nl: {
    NissFormat: "Een INSZ heeft 11 cijfers.",
    NissChecksum: "Dit INSZ is niet geldig (controlecijfers).",
    AmountFormat: "Bedrag verwacht als 1.234,56.",
    AmountAsString: "Bedrag verwacht als 1.234,56.",
    DateFormat: "Datum verwacht als dd/mm/jjjj.",
    FieldRequired: "Verplicht veld.",
    PurposeRequired: "De reden van raadpleging is verplicht.",
    CommunicationFormat: "Mededeling verwacht als +++123/4567/89012+++.",
    CommunicationOfAnotherMember: "Deze mededeling is die van een ander lid.",
    IdempotencyKeyInFlight: "Deze betaling wordt al geregistreerd.",
    StructuredCommunicationCheckDigits: "De controlecijfers van deze mededeling kloppen niet.",
    PaymentNotPositive: "Een betaling is groter dan 0.",
    ValueDateInFuture: "De valutadatum mag niet in de toekomst liggen.",
    SuspenseItemAlreadyMatched: "Deze lijn is al aan een andere betaler toegewezen.",
    SuspenseItemUnknown: "Deze banklijn is onbekend.",
    RefundAccountUnknown: "De persoon gaf geen rekening op: vermeld het IBAN om te crediteren.",
    RefundExceedsCredit: "De terugbetaling is hoger dan wat het fonds de persoon verschuldigd is.",
    NothingOwed: "Voor deze kwartalen is niets verschuldigd.",
    PaymentPlanRequestPending: "Er is al een aanvraag voor een afbetalingsplan in behandeling.",
    NoPaymentPlanRequest: "Er is geen aanvraag voor een afbetalingsplan in behandeling.",
    QuarterPrincipalUnpaid: "De bijdrage van het kwartaal is niet volledig betaald.",
    NothingToWaive: "Voor deze kwartalen zijn er geen verhogingen kwijt te schelden.",
    DispenseRequestTooLate: "Vrijstelling wordt aangevraagd binnen 12 maanden na het kwartaal.",
    DispenseAlreadyRequested: "Voor dit kwartaal is al een vrijstelling aangevraagd.",
    WaiverAlreadyRequested: "Voor dit kwartaal is al een kwijtschelding aangevraagd.",
    DispenseMainOccupationOnly: "Vrijstelling is voorbehouden aan zelfstandigen in hoofdberoep.",
    RefundAlreadyRecorded: "Een andere terugbetaling heeft al deze referentie.",
    ReasonRequired: "De code en de motivering van de weigering zijn verplicht.",
    AppealBodyRequired: "Vermeld bij wie beroep kan worden ingesteld.",
    AppealDeadlineRequired: "Vermeld de beroepstermijn.",
    IbanFormat: "IBAN verwacht als BE68 5390 0754 7034.",
    IbanCheckDigits: "Dit IBAN is niet geldig (controlecijfers).",
    IbanCountry: "Dit land gebruikt geen erkend IBAN.",
    QuartersRequired: "Vermeld minstens één kwartaal.",
    QuarterFormat: "Kwartalen verwacht als 2025-Q1.",
    InstalmentsRequired: "Minstens één afbetaling.",
    NothingToChange: "Vul minstens één veld in om te wijzigen.",
    NameFormat: "Een naam van hoogstens 100 tekens, niet leeg.",
    AddressFormat: "Onvolledig of ongeldig adres: straat, postcode (4 cijfers in België), gemeente, land in twee letters (BE).",
    EmailFormat: "E-mailadres verwacht als naam@voorbeeld.be.",
    PhoneFormat: "Nummer verwacht als +32 2 123 45 67 (8 tot 15 cijfers).",
    PersonalDataErased: "De persoonsgegevens van deze persoon zijn gewist.",
  },
  en: {},
};

export function errorText(error) {
  return RULES[current][error.rule] ?? error.message;
}

export const LANGUAGES = [
  ["fr", "Français"],
  ["nl", "Nederlands"],
  ["en", "English"],
];

let current = (() => {
  const saved = localStorage.getItem("kassa.lang");
  if (saved && MESSAGES[saved]) return saved;
  const browser = (navigator.language || "fr").slice(0, 2);
  return MESSAGES[browser] ? browser : "fr";
})();

export function lang() {
  return current;
}

export function setLang(code) {
  if (!MESSAGES[code]) return;
  current = code;
  localStorage.setItem("kassa.lang", code);
  document.documentElement.lang = code;
}

export function t(key, params) {
  let text = MESSAGES[current][key] ?? MESSAGES.en[key] ?? key;
  for (const [name, value] of Object.entries(params || {})) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

// A word the API sends ("formal-notice"), in the user's language when known.
export function term(prefix, value) {
  const key = `${prefix}.${value}`;
  return MESSAGES[current][key] ?? String(value ?? "").replaceAll("_", " ");
}
