/*
 * The mock generator's data: per-nationality word lists and formats (see sl_mockapi_data.h).
 * As in the real API's lists, UA names are in Latin transliteration, RS names in Latin
 * script with diacritics and IR names in Persian; names outside plain ASCII carry an ASCII
 * spelling for e-mail addresses (the real generator transliterates).
 */
#include "sl_mockapi_data.h"

#include <strings.h>

#define L(x)                                                                                       \
    { x, x, (uint8_t)(sizeof(x) - 1), (uint8_t)(sizeof(x) - 1) }
#define W(x, a)                                                                                    \
    { x, a, (uint8_t)(sizeof(x) - 1), (uint8_t)(sizeof(a) - 1) }
#define LST(arr)                                                                                   \
    { arr, (uint32_t)(sizeof arr / sizeof arr[0]) }

/* ---- AU ---- */
static const sl_mockapi_data_word_t au_m[] = {L("Jack"), L("Oliver"), L("Lachlan"),  L("Cooper"),
                                              L("Liam"), L("Riley"),  L("Mitchell"), L("Harrison")};
static const sl_mockapi_data_word_t au_f[] = {L("Charlotte"), L("Chloe"), L("Mia"),
                                              L("Isla"),      L("Ruby"),  L("Matilda"),
                                              L("Georgia"),   L("Sienna")};
static const sl_mockapi_data_word_t au_l[] = {L("Smith"),  L("Wilson"),  L("Taylor"), L("Brown"),
                                              L("Walker"), L("Harris"),  L("Kelly"),  L("Ryan"),
                                              L("Murphy"), L("Mitchell")};
static const sl_mockapi_data_word_t au_st[] = {L("Victoria Road"),  L("Hunter St"),
                                               L("Parramatta Rd"),  L("Lakeview St"),
                                               L("Mockingbird Ln"), L("Church St")};
static const sl_mockapi_data_word_t au_c[] = {L("Geelong"),    L("Ballarat"), L("Cairns"),
                                              L("Wollongong"), L("Bendigo"),  L("Townsville")};
static const sl_mockapi_data_word_t au_s[] = {L("Victoria"), L("Queensland"), L("New South Wales"),
                                              L("Tasmania"), L("Western Australia")};
/* ---- BR ---- */
static const sl_mockapi_data_word_t br_m[] = {
    W("João", "Joao"), L("Gabriel"),          L("Lucas"),  L("Mateus"),
    L("Rafael"),       W("Otávio", "Otavio"), L("Thiago"), L("Bruno")};
static const sl_mockapi_data_word_t br_f[] = {
    L("Ana"),     W("Luíza", "Luiza"),     L("Beatriz"), L("Camila"),
    L("Larissa"), W("Letícia", "Leticia"), L("Yasmin"),  L("Fernanda")};
static const sl_mockapi_data_word_t br_l[] = {
    L("Silva"),   L("Santos"),           L("Oliveira"), L("Souza"),   L("Lima"),
    L("Pereira"), W("Araújo", "Araujo"), L("Costa"),    L("Ribeiro"), L("Martins")};
static const sl_mockapi_data_word_t br_st[] = {
    L("Rua Dois"),           L("Rua Treze de Maio"),
    L("Rua Sete"),           W("Rua São Pedro", "Rua Sao Pedro"),
    L("Rua Rio de Janeiro"), L("Avenida Brasil")};
static const sl_mockapi_data_word_t br_c[] = {L("Recife"),   W("Goiânia", "Goiania"),
                                              L("Campinas"), W("Belém", "Belem"),
                                              L("Manaus"),   L("Fortaleza")};
static const sl_mockapi_data_word_t br_s[] = {W("São Paulo", "Sao Paulo"), L("Bahia"),
                                              L("Minas Gerais"), W("Paraná", "Parana"),
                                              L("Pernambuco")};
/* ---- CA ---- */
static const sl_mockapi_data_word_t ca_m[] = {L("Liam"),   L("Noah"),  L("Ethan"),  L("Logan"),
                                              L("Nathan"), L("Felix"), L("Samuel"), L("William")};
static const sl_mockapi_data_word_t ca_f[] = {L("Emma"),      L("Olivia"), W("Chloé", "Chloe"),
                                              L("Ava"),       L("Sophie"), L("Maeva"),
                                              L("Charlotte"), L("Abigail")};
static const sl_mockapi_data_word_t ca_l[] = {L("Tremblay"), L("Roy"),   L("Gagnon"), L("Martin"),
                                              L("Lavoie"),   L("Wong"),  L("Brown"),  L("Lee"),
                                              L("Campbell"), L("Fortin")};
static const sl_mockapi_data_word_t ca_st[] = {L("Main St"),     L("King St"), L("Pine Rd"),
                                               L("Dufferin St"), L("Bay Ave"), L("Grand Ave")};
static const sl_mockapi_data_word_t ca_c[] = {L("Oakville"),   L("Kingston"), L("Chatham"),
                                              L("Sherbrooke"), L("Red Deer"), L("Victoria")};
static const sl_mockapi_data_word_t ca_s[] = {L("Ontario"), L("Quebec"), L("Alberta"),
                                              L("Manitoba"), L("Nova Scotia")};
/* ---- CH ---- */
static const sl_mockapi_data_word_t ch_m[] = {L("Luca"),   L("Noah"), L("Elias"),   L("Leon"),
                                              L("Matteo"), L("Lars"), L("Dominik"), L("Yannick")};
static const sl_mockapi_data_word_t ch_f[] = {
    L("Mia"), L("Lea"), L("Lina"), W("Zoé", "Zoe"), L("Sara"), L("Nina"), W("Mélanie", "Melanie"),
    L("Anna")};
static const sl_mockapi_data_word_t ch_l[] = {
    L("Meier"), W("Müller", "Muller"), L("Schmid"),  L("Keller"), L("Weber"), L("Huber"),
    L("Roux"),  L("Fontaine"),         L("Bernard"), L("Girard")};
static const sl_mockapi_data_word_t ch_st[] = {L("Rue du Bourg"), L("Bahnhofstrasse"),
                                               L("Dorfstrasse"),  L("Rue de la Gare"),
                                               L("Seestrasse"),   L("Via Cantonale")};
static const sl_mockapi_data_word_t ch_c[] = {
    L("Basel"), L("Bern"), L("Lausanne"), W("Zürich", "Zurich"), L("Winterthur"), L("Lugano")};
static const sl_mockapi_data_word_t ch_s[] = {L("Aargau"), L("Vaud"), L("Ticino"),
                                              W("Graubünden", "Graubunden"), L("Luzern")};
/* ---- DE ---- */
static const sl_mockapi_data_word_t de_m[] = {L("Lukas"),  L("Maximilian"), L("Jonas"),
                                              L("Felix"),  L("Tobias"),     W("Jürgen", "Juergen"),
                                              L("Dieter"), L("Karl")};
static const sl_mockapi_data_word_t de_f[] = {L("Hannah"), L("Lena"),   L("Marie"),
                                              L("Anja"),   L("Sabine"), W("Jördis", "Joerdis"),
                                              L("Katrin"), L("Ute")};
static const sl_mockapi_data_word_t de_l[] = {W("Müller", "Mueller"),
                                              L("Schmidt"),
                                              L("Schneider"),
                                              L("Fischer"),
                                              L("Weber"),
                                              L("Becker"),
                                              L("Hoffmann"),
                                              L("Wagner"),
                                              W("Köhler", "Koehler"),
                                              L("Krause")};
static const sl_mockapi_data_word_t de_st[] = {L("Lindenstrasse"), L("Schulstrasse"),
                                               L("Gartenweg"),     L("Bahnhofstrasse"),
                                               L("Birkenweg"),     L("Am Markt")};
static const sl_mockapi_data_word_t de_c[] = {
    L("Hamburg"), L("Leipzig"), L("Bremen"), L("Kassel"), W("Nürnberg", "Nuernberg"), L("Dresden")};
static const sl_mockapi_data_word_t de_s[] = {L("Bayern"), L("Sachsen"), L("Hessen"),
                                              L("Niedersachsen"), L("Nordrhein-Westfalen")};
/* ---- DK ---- */
static const sl_mockapi_data_word_t dk_m[] = {L("Mikkel"),   L("Rasmus"),        L("Emil"),
                                              L("Frederik"), L("Magnus"),        L("Oliver"),
                                              L("Mads"),     W("Søren", "Soren")};
static const sl_mockapi_data_word_t dk_f[] = {L("Ida"),      L("Freja"),     L("Emma"),
                                              L("Sofie"),    L("Mathilde"),  L("Laura"),
                                              L("Caroline"), W("Åse", "Ase")};
static const sl_mockapi_data_word_t dk_l[] = {
    L("Jensen"),    L("Nielsen"),     L("Hansen"), L("Pedersen"),
    L("Andersen"),  L("Christensen"), L("Larsen"), W("Sørensen", "Sorensen"),
    L("Rasmussen"), L("Poulsen")};
static const sl_mockapi_data_word_t dk_st[] = {L("Skovvej"),  W("Søndergade", "Sondergade"),
                                               L("Kirkevej"), L("Vestergade"),
                                               L("Engvej"),   L("Bakkevej")};
static const sl_mockapi_data_word_t dk_c[] = {W("København", "Kobenhavn"),
                                              W("Århus", "Arhus"),
                                              L("Odense"),
                                              L("Aalborg"),
                                              L("Esbjerg"),
                                              L("Randers")};
static const sl_mockapi_data_word_t dk_s[] = {L("Hovedstaden"), L("Midtjylland"), L("Nordjylland"),
                                              L("Sjælland"), L("Syddanmark")};
/* ---- ES ---- */
static const sl_mockapi_data_word_t es_m[] = {L("Alejandro"), L("Pablo"),  L("Javier"),
                                              L("Diego"),     L("Sergio"), W("Adrián", "Adrian"),
                                              L("Alberto"),   L("Hugo")};
static const sl_mockapi_data_word_t es_f[] = {L("Lucia"), L("Carmen"),       L("Elena"),
                                              L("Paula"), W("Inés", "Ines"), L("Marta"),
                                              L("Alba"),  L("Nerea")};
static const sl_mockapi_data_word_t es_l[] = {W("García", "Garcia"),
                                              W("Fernández", "Fernandez"),
                                              W("López", "Lopez"),
                                              W("Martínez", "Martinez"),
                                              L("Moreno"),
                                              L("Navarro"),
                                              L("Ruiz"),
                                              L("Serrano"),
                                              L("Molina"),
                                              L("Castro")};
static const sl_mockapi_data_word_t es_st[] = {L("Calle Mayor"),         L("Calle del Prado"),
                                               L("Avenida de Castilla"), L("Calle de Alcala"),
                                               L("Paseo de Zorrilla"),   L("Calle Nueva")};
static const sl_mockapi_data_word_t es_c[] = {L("Valencia"), L("Sevilla"),  L("Bilbao"),
                                              L("Granada"),  L("Zaragoza"), W("Málaga", "Malaga")};
static const sl_mockapi_data_word_t es_s[] = {W("Andalucía", "Andalucia"), L("Galicia"),
                                              L("Murcia"), W("Aragón", "Aragon"), L("Cantabria")};
/* ---- FI ---- */
static const sl_mockapi_data_word_t fi_m[] = {L("Eino"), L("Onni"),  L("Veeti"),  L("Juho"),
                                              L("Aatu"), L("Lauri"), L("Eemeli"), L("Niilo")};
static const sl_mockapi_data_word_t fi_f[] = {L("Aino"),     L("Helmi"), L("Venla"), L("Siiri"),
                                              L("Eveliina"), L("Iida"),  L("Pihla"), L("Enni")};
static const sl_mockapi_data_word_t fi_l[] = {
    L("Korhonen"),  L("Virtanen"), W("Mäkinen", "Makinen"),   L("Nieminen"),
    L("Heikkinen"), L("Koskinen"), W("Järvinen", "Jarvinen"), L("Lehtonen"),
    L("Laine"),     L("Hakala")};
static const sl_mockapi_data_word_t fi_st[] = {L("Hatanpään Valtatie"), L("Mannerheimintie"),
                                               L("Pispalan Valtatie"),  L("Rautatienkatu"),
                                               L("Tehtaankatu"),        L("Otavalankatu")};
static const sl_mockapi_data_word_t fi_c[] = {
    L("Tampere"), L("Turku"), L("Oulu"), W("Jyväskylä", "Jyvaskyla"), L("Lahti"), L("Kuopio")};
static const sl_mockapi_data_word_t fi_s[] = {L("Pirkanmaa"), L("Uusimaa"), L("Lapland"),
                                              L("Satakunta"), L("Kainuu")};
/* ---- FR ---- */
static const sl_mockapi_data_word_t fr_m[] = {L("Louis"),        L("Hugo"),      L("Mathis"),
                                              W("Théo", "Theo"), L("Maxime"),    L("Quentin"),
                                              L("Arthur"),       W("Noé", "Noe")};
static const sl_mockapi_data_word_t fr_f[] = {L("Camille"),        L("Manon"),   L("Juliette"),
                                              L("Louise"),         L("Margaux"), W("Léa", "Lea"),
                                              W("Anaïs", "Anais"), L("Zoe")};
static const sl_mockapi_data_word_t fr_l[] = {
    L("Martin"),  L("Bernard"),  L("Dubois"), L("Lefebvre"), L("Moreau"),
    L("Laurent"), L("Fournier"), L("Girard"), L("Mercier"),  L("Roussel")};
static const sl_mockapi_data_word_t fr_st[] = {L("Rue de la Paix"),
                                               L("Rue Pasteur"),
                                               L("Avenue Jean-Jaures"),
                                               L("Rue Victor-Hugo"),
                                               W("Place de l’Église", "Place de l'Eglise"),
                                               L("Rue des Jardins")};
static const sl_mockapi_data_word_t fr_c[] = {L("Lyon"),     L("Nantes"), L("Bordeaux"),
                                              L("Toulouse"), L("Rennes"), L("Montpellier")};
static const sl_mockapi_data_word_t fr_s[] = {L("Bretagne"), L("Normandie"), L("Gironde"),
                                              W("Haute-Savoie", "Haute-Savoie"), L("Vendee")};
/* ---- GB ---- */
static const sl_mockapi_data_word_t gb_m[] = {L("Harry"),   L("George"), L("Alfie"),  L("Charlie"),
                                              L("Freddie"), L("Oscar"),  L("Archie"), L("Callum")};
static const sl_mockapi_data_word_t gb_f[] = {L("Amelia"),  L("Olivia"), L("Poppy"),   L("Evie"),
                                              L("Jessica"), L("Imogen"), L("Eleanor"), L("Freya")};
static const sl_mockapi_data_word_t gb_l[] = {L("Smith"),  L("Jones"),  L("Williams"), L("Davies"),
                                              L("Evans"),  L("Thomas"), L("Roberts"),  L("Wright"),
                                              L("Hughes"), L("Edwards")};
static const sl_mockapi_data_word_t gb_st[] = {L("High Street"), L("Station Road"),
                                               L("Mill Lane"),   L("The Green"),
                                               L("Queensway"),   L("Manor Road")};
static const sl_mockapi_data_word_t gb_c[] = {L("Leeds"),   L("Bristol"), L("Sheffield"),
                                              L("Norwich"), L("Exeter"),  L("Swansea")};
static const sl_mockapi_data_word_t gb_s[] = {L("Kent"), L("Devon"), L("Cumbria"),
                                              L("Gwynedd County"), L("West Yorkshire")};
/* ---- IE ---- */
static const sl_mockapi_data_word_t ie_m[] = {L("Conor"), L("Sean"), L("Cian"),    L("Darragh"),
                                              L("Oisin"), L("Eoin"), L("Patrick"), L("Ronan")};
static const sl_mockapi_data_word_t ie_f[] = {L("Aoife"),  L("Ciara"),  L("Niamh"),   L("Saoirse"),
                                              L("Sinead"), L("Roisin"), L("Caoimhe"), L("Orla")};
static const sl_mockapi_data_word_t ie_l[] = {
    L("Murphy"),     L("Kelly"),     L("Walsh"), L("Byrne"),  L("Ryan"),
    L("Fitzgerald"), L("Farragher"), L("Doyle"), L("Meehan"), L("McCarthy")};
static const sl_mockapi_data_word_t ie_st[] = {L("Main Street"), L("Church Road"),
                                               L("Strand Road"), L("Bridge Street"),
                                               L("Green Lane"),  L("Castle Street")};
static const sl_mockapi_data_word_t ie_c[] = {L("Galway"),   L("Cork"),  L("Limerick"),
                                              L("Kilkenny"), L("Sligo"), L("Tralee")};
static const sl_mockapi_data_word_t ie_s[] = {L("Galway"), L("Kerry"), L("Mayo"), L("Donegal"),
                                              L("Wexford")};
/* ---- IN ---- */
static const sl_mockapi_data_word_t in_m[] = {L("Aarav"), L("Vihaan"), L("Arjun"),  L("Rohan"),
                                              L("Kabir"), L("Ishaan"), L("Aditya"), L("Siddharth")};
static const sl_mockapi_data_word_t in_f[] = {L("Ananya"), L("Diya"),  L("Saanvi"), L("Isha"),
                                              L("Kavya"),  L("Meera"), L("Priya"),  L("Nandini")};
static const sl_mockapi_data_word_t in_l[] = {L("Sharma"),   L("Verma"), L("Patel"), L("Iyer"),
                                              L("Reddy"),    L("Nair"),  L("Gupta"), L("Chopra"),
                                              L("Kulkarni"), L("Menon")};
static const sl_mockapi_data_word_t in_st[] = {L("MG Road"),     L("Station Road"), L("Nehru Road"),
                                               L("Gandhi Marg"), L("Park Street"),  L("Lake Road")};
static const sl_mockapi_data_word_t in_c[] = {L("Pune"),  L("Jaipur"), L("Lucknow"),
                                              L("Kochi"), L("Indore"), L("Nagpur")};
static const sl_mockapi_data_word_t in_s[] = {L("Maharashtra"), L("Rajasthan"), L("Kerala"),
                                              L("Karnataka"), L("Gujarat")};
/* ---- IR (Persian) ---- */
static const sl_mockapi_data_word_t ir_m[] = {
    W("علی", "Ali"),      W("محمد", "Mohammad"), W("رضا", "Reza"),  W("امیر", "Amir"),
    W("حسین", "Hossein"), W("مهدی", "Mahdi"),    W("آرش", "Arash"), W("کیان", "Kian")};
static const sl_mockapi_data_word_t ir_f[] = {
    W("فاطمه", "Fatemeh"),  W("زهرا", "Zahra"), W("مریم", "Maryam"),     W("سارا", "Sara"),
    W("نازنین", "Nazanin"), W("پریا", "Parya"), W("نیلوفر", "Niloofar"), W("یاسمین", "Yasamin")};
static const sl_mockapi_data_word_t ir_l[] = {
    W("احمدی", "Ahmadi"), W("محمدی", "Mohammadi"), W("حسینی", "Hosseini"), W("رضایی", "Rezaei"),
    W("کریمی", "Karimi"), W("موسوی", "Mousavi"),   W("جعفری", "Jafari"),   W("صادقی", "Sadeghi"),
    W("رحیمی", "Rahimi"), W("نوری", "Noori")};
static const sl_mockapi_data_word_t ir_st[] = {W("میدان انقلاب", "Meydan Enghelab"),
                                               W("خیابان آزادی", "Khiaban Azadi"),
                                               W("کارگر شمالی", "Kargar Shomali"),
                                               W("شهید بهشتی", "Shahid Beheshti"),
                                               W("ولیعصر", "Valiasr"),
                                               W("فاطمی", "Fatemi")};
static const sl_mockapi_data_word_t ir_c[] = {W("تهران", "Tehran"), W("اصفهان", "Esfahan"),
                                              W("شیراز", "Shiraz"), W("تبریز", "Tabriz"),
                                              W("مشهد", "Mashhad"), W("کرج", "Karaj")};
static const sl_mockapi_data_word_t ir_s[] = {
    W("تهران", "Tehran"), W("فارس", "Fars"), W("گیلان", "Gilan"),
    W("خراسان رضوی", "Khorasan Razavi"), W("اصفهان", "Esfahan")};
/* ---- MX ---- */
static const sl_mockapi_data_word_t mx_m[] = {L("Santiago"), L("Mateo"),        L("Emiliano"),
                                              L("Leonardo"), W("Iván", "Ivan"), L("Rodrigo"),
                                              L("Ernesto"),  L("Jorge")};
static const sl_mockapi_data_word_t mx_f[] = {L("Ximena"),   L("Valentina"), L("Regina"),
                                              L("Renata"),   L("Guadalupe"), W("Sofía", "Sofia"),
                                              L("Fernanda"), L("Paola")};
static const sl_mockapi_data_word_t mx_l[] = {W("Hernández", "Hernandez"),
                                              W("González", "Gonzalez"),
                                              W("Rodríguez", "Rodriguez"),
                                              W("Pérez", "Perez"),
                                              L("Flores"),
                                              L("Cruz"),
                                              L("Ortega"),
                                              L("Delgado"),
                                              L("Vargas"),
                                              L("Mendoza")};
static const sl_mockapi_data_word_t mx_st[] = {L("Calle Hidalgo"), L("Avenida Juarez"),
                                               L("Calle Morelos"), L("Cerrada Norte"),
                                               L("Privada Sur"),   L("Calzada Zaragoza")};
static const sl_mockapi_data_word_t mx_c[] = {L("Puebla"),           L("Oaxaca"),
                                              W("Mérida", "Merida"), L("Tijuana"),
                                              W("León", "Leon"),     L("Monterrey")};
static const sl_mockapi_data_word_t mx_s[] = {L("Jalisco"), L("Sonora"), L("Chiapas"),
                                              W("Yucatán", "Yucatan"), L("Veracruz")};
/* ---- NL ---- */
static const sl_mockapi_data_word_t nl_m[] = {L("Daan"),  L("Sem"),   L("Bram"), L("Thijs"),
                                              L("Ruben"), L("Jesse"), L("Gijs"), L("Joep")};
static const sl_mockapi_data_word_t nl_f[] = {L("Sanne"), L("Fleur"), L("Lotte"), L("Anouk"),
                                              L("Femke"), L("Roos"),  L("Eline"), L("Noor")};
static const sl_mockapi_data_word_t nl_l[] = {
    L("de Jong"), L("Jansen"), L("de Vries"), L("van Dijk"), L("Bakker"),
    L("Visser"),  L("Smit"),   L("Meijer"),   L("de Boer"),  L("Mulder")};
static const sl_mockapi_data_word_t nl_st[] = {L("Kerkstraat"),  L("Molenweg"),
                                               L("Dorpsstraat"), L("Schoolstraat"),
                                               L("Nieuwstraat"), L("Julianalaan")};
static const sl_mockapi_data_word_t nl_c[] = {L("Utrecht"), L("Groningen"), L("Haarlem"),
                                              L("Zwolle"),  L("Eindhoven"), L("Leeuwarden")};
static const sl_mockapi_data_word_t nl_s[] = {L("Utrecht"), L("Friesland"), L("Gelderland"),
                                              L("Noord-Brabant"), L("Zeeland")};
/* ---- NO ---- */
static const sl_mockapi_data_word_t no_m[] = {L("Jakob"),  L("Emil"),           L("Filip"),
                                              L("Sindre"), W("Håkon", "Hakon"), L("Even"),
                                              L("Eirik"),  L("Vetle")};
static const sl_mockapi_data_word_t no_f[] = {L("Nora"),  L("Ingrid"),         L("Emma"),
                                              L("Thea"),  W("Tiril", "Tiril"), W("Sølvi", "Solvi"),
                                              L("Hedda"), L("Ronja")};
static const sl_mockapi_data_word_t no_l[] = {
    L("Hansen"), L("Johansen"), L("Olsen"), L("Larsen"),         L("Berg"),
    L("Haugen"), L("Bakken"),   L("Dahl"),  W("Strøm", "Strom"), L("Lie")};
static const sl_mockapi_data_word_t no_st[] = {
    L("Kirkeveien"), L("Storgata"), L("Fjellveien"),
    L("Skolegata"),  L("Solveien"), W("Bjørnstadveien", "Bjornstadveien")};
static const sl_mockapi_data_word_t no_c[] = {L("Bergen"),           L("Trondheim"), L("Stavanger"),
                                              W("Tromsø", "Tromso"), L("Drammen"),   L("Bodo")};
static const sl_mockapi_data_word_t no_s[] = {L("Vestland"), L("Nordland"), L("Rogaland"),
                                              L("Viken"), L("Innlandet")};
/* ---- NZ ---- */
static const sl_mockapi_data_word_t nz_m[] = {L("Nikau"), L("Tama"),  L("Jacob"), L("Hunter"),
                                              L("Flynn"), L("Blake"), L("Caleb"), L("Toby")};
static const sl_mockapi_data_word_t nz_f[] = {L("Aroha"),  L("Ruby"),     L("Maia"),   L("Kaia"),
                                              L("Harper"), L("Isabella"), L("Stella"), L("Brooke")};
static const sl_mockapi_data_word_t nz_l[] = {
    L("Wilson"), L("Thompson"), L("Campbell"), L("Walker"),   L("Anderson"),
    L("Ngata"),  L("Parata"),   L("Jones"),    L("Robinson"), L("Clarke")};
static const sl_mockapi_data_word_t nz_st[] = {L("Karangahape Road"), L("Cuba Street"),
                                               L("Queen Street"),     L("Riccarton Road"),
                                               L("Tory Street"),      L("Dee Street")};
static const sl_mockapi_data_word_t nz_c[] = {L("Hamilton"), L("Napier"),  L("Nelson"),
                                              L("Dunedin"),  L("Rotorua"), L("Whanganui")};
static const sl_mockapi_data_word_t nz_s[] = {L("Waikato"), L("Otago"), L("Canterbury"),
                                              L("Northland"), L("Taranaki")};
/* ---- RS (Latin script with diacritics, as the real lists) ---- */
static const sl_mockapi_data_word_t rs_m[] = {L("Marko"), L("Nikola"),         L("Stefan"),
                                              L("Lazar"), W("Dušan", "Dusan"), W("Miloš", "Milos"),
                                              L("Vuk"),   L("Ognjen")};
static const sl_mockapi_data_word_t rs_f[] = {L("Milica"), L("Jovana"), L("Ana"),     L("Teodora"),
                                              L("Sofija"), L("Ivana"),  L("Dragana"), L("Mila")};
static const sl_mockapi_data_word_t rs_l[] = {
    W("Jovanović", "Jovanovic"), W("Petrović", "Petrovic"), W("Nikolić", "Nikolic"),
    W("Marković", "Markovic"),   W("Đorđević", "Dordevic"), W("Stojanović", "Stojanovic"),
    W("Ilić", "Ilic"),           W("Pavlović", "Pavlovic"), W("Milošević", "Milosevic"),
    W("Todorović", "Todorovic")};
/* some real street names end with a space; one here does too */
static const sl_mockapi_data_word_t rs_st[] = {L("Kneza Mihaila"),  L("Bulevar oslobođenja"),
                                               L("Cara Dušana"),    L("Njegoševa"),
                                               L("Vojvode Mišića"), L("Kneza Miloša ")};
static const sl_mockapi_data_word_t rs_c[] = {L("Beograd"),    L("Novi Sad"), L("Niš"),
                                              L("Kragujevac"), L("Subotica"), L("Čačak")};
static const sl_mockapi_data_word_t rs_s[] = {L("Šumadijski"), L("Južnobački"), L("Nišavski"),
                                              L("Zlatiborski"), L("Sremski")};
/* ---- TR ---- */
static const sl_mockapi_data_word_t tr_m[] = {
    W("Emir", "Emir"), W("Yusuf", "Yusuf"), W("Ömer", "Omer"), L("Mehmet"),
    L("Mustafa"),      W("Çağan", "Cagan"), L("Kerem"),        L("Burak")};
static const sl_mockapi_data_word_t tr_f[] = {
    L("Zeynep"),         L("Elif"),  W("Ecrin", "Ecrin"), W("Gülsüm", "Gulsum"),
    W("Şeyma", "Seyma"), L("Defne"), L("Aylin"),          L("Ebru")};
static const sl_mockapi_data_word_t tr_l[] = {W("Yılmaz", "Yilmaz"),
                                              L("Kaya"),
                                              L("Demir"),
                                              W("Şahin", "Sahin"),
                                              W("Çelik", "Celik"),
                                              W("Yıldız", "Yildiz"),
                                              W("Öztürk", "Ozturk"),
                                              L("Aydin"),
                                              W("Özdemir", "Ozdemir"),
                                              L("Arslan")};
static const sl_mockapi_data_word_t tr_st[] = {
    W("Atatürk Cd", "Ataturk Cd"),
    W("Fatih Sultan Mehmet Cd", "Fatih Sultan Mehmet Cd"),
    L("Bagdat Cd"),
    W("İstiklal Cd", "Istiklal Cd"),
    L("Mevlana Cd"),
    L("Cumhuriyet Cd")};
static const sl_mockapi_data_word_t tr_c[] = {L("Ankara"), W("İzmir", "Izmir"),
                                              L("Bursa"),  L("Antalya"),
                                              L("Konya"),  W("Eskişehir", "Eskisehir")};
static const sl_mockapi_data_word_t tr_s[] = {L("Ankara"), W("İzmir", "Izmir"), L("Trabzon"),
                                              L("Mersin"), W("Muğla", "Mugla")};
/* ---- UA (Latin transliteration, as the real lists; some names carry an apostrophe) ---- */
static const sl_mockapi_data_word_t ua_m[] = {L("Oleksandr"),   L("Andriy"), L("Bogdan"),
                                              L("Taras"),       L("Dmitro"), L("Yaroslav"),
                                              L("V'yacheslav"), L("Nazar")};
static const sl_mockapi_data_word_t ua_f[] = {L("Olena"),  L("Oksana"),   L("Irina"),
                                              L("Mariya"), L("Solomiya"), L("Hristina"),
                                              L("Lesya"),  L("Mar'yana")};
static const sl_mockapi_data_word_t ua_l[] = {
    L("Shevchenko"), L("Kovalenko"),  L("Bondarenko"), L("Tkachenko"),   L("Kravchuk"),
    L("Melnik"),     L("Polishchuk"), L("Litvinenko"), L("Goncharenko"), L("Savchuk")};
static const sl_mockapi_data_word_t ua_st[] = {L("Hreshchatik"), L("Shevchenka"),   L("Sadova"),
                                               L("Gorodocka"),   L("Ivana Franka"), L("Miru")};
static const sl_mockapi_data_word_t ua_c[] = {L("Kiyiv"),  L("Lviv"),    L("Odesa"),
                                              L("Harkiv"), L("Poltava"), L("Chernigiv")};
static const sl_mockapi_data_word_t ua_s[] = {L("Kiyivska"), L("Lvivska"), L("Odeska"),
                                              L("Poltavska"), L("Volinska")};
/* ---- US ---- */
static const sl_mockapi_data_word_t us_m[] = {L("James"), L("Michael"), L("Ethan"),  L("Brandon"),
                                              L("Tyler"), L("Jesse"),   L("Marvin"), L("Dwayne")};
static const sl_mockapi_data_word_t us_f[] = {L("Jennie"),   L("Ashley"), L("Brittany"),
                                              L("Megan"),    L("Kaylee"), L("Tammy"),
                                              L("Courtney"), L("Addison")};
static const sl_mockapi_data_word_t us_l[] = {
    L("Johnson"),   L("Williams"), L("Miller"),   L("Davis"),  L("Garcia"),
    L("Rodriguez"), L("Nichols"),  L("Reynolds"), L("Howard"), L("Peterson")};
static const sl_mockapi_data_word_t us_st[] = {L("Valwood Pkwy"),   L("Hickory Creek Dr"),
                                               L("Pecan Acres Ln"), L("W Sherman Dr"),
                                               L("Saddle Dr"),      L("Lovers Ln")};
static const sl_mockapi_data_word_t us_c[] = {L("Billings"), L("Tucson"),   L("Omaha"),
                                              L("Spokane"),  L("Savannah"), L("Fort Wayne")};
static const sl_mockapi_data_word_t us_s[] = {L("Michigan"), L("Montana"), L("Ohio"),
                                              L("New Mexico"), L("North Carolina")};

#define NAMES(p) LST(p##_m), LST(p##_f), LST(p##_l), LST(p##_st), LST(p##_c), LST(p##_s)
#define NUM(lo, hi) SL_MOCKAPI_DATA_POSTCODE_NUMBER, lo, hi, NULL
#define STR(fmt) SL_MOCKAPI_DATA_POSTCODE_STRING, 0, 0, fmt
#define PAT(name, fmt) SL_MOCKAPI_DATA_ID_PATTERN, name, fmt
#define CALC(kind, name) SL_MOCKAPI_DATA_ID_##kind, name, NULL
#define NOID SL_MOCKAPI_DATA_ID_NULL, "", NULL
#define TITLES "Mr", &sl_mockapi_data_female_titles

/* A letter of the last two characters of a British postcode. */
#define GB_L "[ABDEFGHJLNPQRSTUWXYZ]"

/* Sorted by code, the order of the real API's list. The facts behind each row (postcode
 * type and range, phone and cell shapes, id) are in docs/mock-api.md with their sources. */
const sl_mockapi_data_nat_t sl_mockapi_data_nats[] = {
    {"AU", "Australia", NAMES(au), "0#-####-####", "04##-###-###", NUM(200, 9999),
     PAT("TFN", "#########"), TITLES},
    {"BR", "Brazil", NAMES(br), "(##) ####-####", "(##) ####-####", NUM(10000, 99999),
     PAT("CPF", "###.###.###-##"), TITLES},
    {"CA", "Canada", NAMES(ca), "@## @##-####", "@## @##-####", STR("@#@ #@#"), CALC(SIN, "SIN"),
     TITLES},
    {"CH", "Switzerland", NAMES(ch), "07[56789] ### ## ##", "07[56789] ### ## ##", NUM(1000, 9999),
     PAT("AVS", "756.####.####.##"), "Monsieur", &sl_mockapi_data_ch_female_titles},
    {"DE", "Germany", NAMES(de), "0###-#######", "017#-#######", NUM(10000, 99999),
     CALC(SVNR, "SVNR"), TITLES},
    {"DK", "Denmark", NAMES(dk), "########", "########", NUM(10000, 99999), CALC(CPR, "CPR"),
     TITLES},
    {"ES", "Spain", NAMES(es), "9##-###-###", "6##-###-###", NUM(10000, 99999),
     PAT("DNI", "########-@"), TITLES},
    /* the real generator builds HETU from an invalid date: "NaNNA", 3 digits, "undefined" */
    {"FI", "Finland", NAMES(fi), "0[23456789]-###-###", "04#-###-##-##", NUM(10000, 99999),
     PAT("HETU", "NaNNA##%undefined"), TITLES},
    {"FR", "France", NAMES(fr), "0[12345]-##-##-##-##", "06-##-##-##-##", NUM(10000, 99999),
     CALC(INSEE, "INSEE"), TITLES},
    {"GB", "United Kingdom", NAMES(gb),
     "01### #####|01### ######|011#### ### ####|01#1 ### ####|013873 #####|015242 #####|"
     "015394 #####|015395 #####|015396 #####|016973 #####|016974 #####|016977 ####|"
     "016977 #####|017683 #####|017684 #####|017687 #####|019467 #####|02# #### ####",
     "07### ######",
     STR("@# #" GB_L GB_L "|@@# #" GB_L GB_L "|@## #" GB_L GB_L "|@@## #" GB_L GB_L
         "|@@#@ #" GB_L GB_L "|@#@ #" GB_L GB_L),
     PAT("NINO", "[ABCEGHJKLMNOPRSTWXYZ][ABCEGHJKLMNPRSTWXYZ] ## ## ## @"), TITLES},
    /* the real PPS suffix depends on a date that is never valid there: always "T" alone */
    {"IE", "Ireland", NAMES(ie), "0[1234567]1-###-####", "081-###-####", NUM(10000, 99999),
     PAT("PPS", "#######T"), TITLES},
    {"IN", "India", NAMES(in), "[789]#########", "[789]#########", NUM(10000, 99999),
     PAT("UIDAI", "############"), TITLES},
    {"IR", "Iran", NAMES(ir), "0##-########", "09##-###-####", NUM(10000, 99999), NOID, TITLES},
    {"MX", "Mexico", NAMES(mx), "(6##) ### ####", "(6##) ### ####", NUM(10000, 99999),
     PAT("NSS", "## ## ## #### #"), TITLES},
    {"NL", "Netherlands", NAMES(nl), "(0##) #######|(0###) ######", "(06) ########", STR("#### @@"),
     PAT("BSN", "########"), TITLES},
    {"NO", "Norway", NAMES(no), "[235678]#######", "[49]#######", STR("####"), CALC(FN, "FN"),
     TITLES},
    {"NZ", "New Zealand", NAMES(nz), "(###)-###-####", "(###)-###-####", NUM(10000, 99999), NOID,
     TITLES},
    {"RS", "Serbia", NAMES(rs), "0[123]#-####-###", "06#-####-###", NUM(10000, 99999),
     PAT("SID", "#########"), TITLES},
    {"TR", "Turkey", NAMES(tr), "(###)-###-####", "(###)-###-####", NUM(10000, 99999), NOID,
     TITLES},
    {"UA", "Ukraine", NAMES(ua),
     "(066) @##-####|(067) @##-####|(068) @##-####|(096) @##-####|(097) @##-####|"
     "(098) @##-####|(099) @##-####",
     "(066) @##-####|(067) @##-####|(068) @##-####|(096) @##-####|(097) @##-####|"
     "(098) @##-####|(099) @##-####",
     NUM(10000, 99999), NOID, TITLES},
    {"US", "United States", NAMES(us), "([23456789]##) [23456789]##-####",
     "([23456789]##) [23456789]##-####", NUM(10000, 99999), CALC(SSN, "SSN"), TITLES},
};
const size_t sl_mockapi_data_nat_count =
    sizeof sl_mockapi_data_nats / sizeof sl_mockapi_data_nats[0];

static const sl_mockapi_data_word_t female_titles[] = {L("Miss"), L("Mrs"), L("Ms")};
const sl_mockapi_data_list_t sl_mockapi_data_female_titles = LST(female_titles);
static const sl_mockapi_data_word_t ch_female_titles[] = {L("Mademoiselle"), L("Madame")};
const sl_mockapi_data_list_t sl_mockapi_data_ch_female_titles = LST(ch_female_titles);

static const sl_mockapi_data_word_t passwords[] = {
    L("addison"), L("sunshine"), L("letmein"),  L("dragon"),   L("monkey"),   L("shadow"),
    L("qwerty"),  L("football"), L("baseball"), L("master"),   L("hunter"),   L("ranger"),
    L("pepper"),  L("tigger"),   L("summer"),   L("cookie"),   L("buster"),   L("maggie"),
    L("bandit"),  L("1234qwer"), L("trustno1"), L("passw0rd"), L("iloveyou"), L("whatever")};
const sl_mockapi_data_list_t sl_mockapi_data_passwords = LST(passwords);

static const sl_mockapi_data_word_t adjectives[] = {
    L("yellow"), L("silver"), L("happy"),  L("lazy"),  L("brave"), L("tiny"),
    L("crazy"),  L("purple"), L("golden"), L("angry"), L("smart"), L("heavy"),
    L("sad"),    L("black"),  L("white"),  L("orange")};
const sl_mockapi_data_list_t sl_mockapi_data_user_adjectives = LST(adjectives);

static const sl_mockapi_data_word_t nouns[] = {
    L("peacock"), L("koala"),    L("rabbit"),    L("wolf"),    L("tiger"), L("swan"),
    L("frog"),    L("bear"),     L("ladybug"),   L("leopard"), L("goose"), L("fish"),
    L("lion"),    L("elephant"), L("butterfly"), L("meercat")};
const sl_mockapi_data_list_t sl_mockapi_data_user_nouns = LST(nouns);

const sl_mockapi_data_tz_t sl_mockapi_data_timezones[] = {
    {"-12:00", "Eniwetok, Kwajalein"},
    {"-11:00", "Midway Island, Samoa"},
    {"-10:00", "Hawaii"},
    {"-9:00", "Alaska"},
    {"-8:00", "Pacific Time (US & Canada)"},
    {"-7:00", "Mountain Time (US & Canada)"},
    {"-6:00", "Central Time (US & Canada), Mexico City"},
    {"-5:00", "Eastern Time (US & Canada), Bogota, Lima"},
    {"-4:00", "Atlantic Time (Canada), Caracas, La Paz"},
    {"-3:30", "Newfoundland"},
    {"-3:00", "Brazil, Buenos Aires, Georgetown"},
    {"-2:00", "Mid-Atlantic"},
    {"-1:00", "Azores, Cape Verde Islands"},
    {"0:00", "Western Europe Time, London, Lisbon, Casablanca"},
    {"+1:00", "Brussels, Copenhagen, Madrid, Paris"},
    {"+2:00", "Kaliningrad, South Africa"},
    {"+3:00", "Baghdad, Riyadh, Moscow, St. Petersburg"},
    {"+3:30", "Tehran"},
    {"+4:00", "Abu Dhabi, Muscat, Baku, Tbilisi"},
    {"+4:30", "Kabul"},
    {"+5:00", "Ekaterinburg, Islamabad, Karachi, Tashkent"},
    {"+5:30", "Bombay, Calcutta, Madras, New Delhi"},
    {"+5:45", "Kathmandu"},
    {"+6:00", "Almaty, Dhaka, Colombo"},
    {"+7:00", "Bangkok, Hanoi, Jakarta"},
    {"+8:00", "Beijing, Perth, Singapore, Hong Kong"},
    {"+9:00", "Tokyo, Seoul, Osaka, Sapporo, Yakutsk"},
    {"+9:30", "Adelaide, Darwin"},
    {"+10:00", "Eastern Australia, Guam, Vladivostok"},
    {"+11:00", "Magadan, Solomon Islands, New Caledonia"},
    {"+12:00", "Auckland, Wellington, Fiji, Kamchatka"},
};
const size_t sl_mockapi_data_timezone_count =
    sizeof sl_mockapi_data_timezones / sizeof sl_mockapi_data_timezones[0];

/* 02-04, 08-21, 23-26, 28-29, 38-40, 42-82 and 89 */
const uint8_t sl_mockapi_data_svnr_areas[] = {
    2,  3,  4,  8,  9,  10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 23, 24, 25, 26, 28, 29,
    38, 39, 40, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61,
    62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 89};
const size_t sl_mockapi_data_svnr_area_count = sizeof sl_mockapi_data_svnr_areas;

int sl_mockapi_data_nat_find(const char *code, size_t len) {
    if (len != 2)
        return -1;
    for (size_t i = 0; i < sl_mockapi_data_nat_count; i++) {
        if (strncasecmp(sl_mockapi_data_nats[i].code, code, 2) == 0)
            return (int)i;
    }
    return -1;
}
