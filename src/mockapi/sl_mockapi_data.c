/*
 * The mock generator's data: per-nationality word lists and formats (see sl_mockapi_data.h).
 * Names in Cyrillic (UA, RS) and Persian (IR) carry a Latin transliteration for e-mail
 * addresses; Latin names with diacritics carry their plain-ASCII spelling.
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
    L("Murphy"), L("Kelly"), L("O'Sullivan"), L("Walsh"), L("O'Brien"),
    L("Byrne"),  L("Ryan"),  L("O'Connor"),   L("Doyle"), L("McCarthy")};
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
/* ---- RS (Cyrillic) ---- */
static const sl_mockapi_data_word_t rs_m[] = {
    W("Марко", "Marko"), W("Никола", "Nikola"), W("Стефан", "Stefan"), W("Лазар", "Lazar"),
    W("Душан", "Dusan"), W("Милош", "Milos"),   W("Вук", "Vuk"),       W("Огњен", "Ognjen")};
static const sl_mockapi_data_word_t rs_f[] = {
    W("Милица", "Milica"), W("Јована", "Jovana"), W("Ана", "Ana"),         W("Теодора", "Teodora"),
    W("Софија", "Sofija"), W("Ивана", "Ivana"),   W("Драгана", "Dragana"), W("Мила", "Mila")};
static const sl_mockapi_data_word_t rs_l[] = {
    W("Јовановић", "Jovanovic"), W("Петровић", "Petrovic"),   W("Николић", "Nikolic"),
    W("Марковић", "Markovic"),   W("Ђорђевић", "Djordjevic"), W("Стојановић", "Stojanovic"),
    W("Илић", "Ilic"),           W("Павловић", "Pavlovic"),   W("Милошевић", "Milosevic"),
    W("Тодоровић", "Todorovic")};
static const sl_mockapi_data_word_t rs_st[] = {
    W("Кнеза Михаила", "Kneza Mihaila"),   W("Булевар ослобођења", "Bulevar oslobodjenja"),
    W("Цара Душана", "Cara Dusana"),       W("Његошева", "Njegoseva"),
    W("Војводе Мишића", "Vojvode Misica"), W("Змај Јовина", "Zmaj Jovina")};
static const sl_mockapi_data_word_t rs_c[] = {
    W("Београд", "Beograd"),       W("Нови Сад", "Novi Sad"), W("Ниш", "Nis"),
    W("Крагујевац", "Kragujevac"), W("Суботица", "Subotica"), W("Чачак", "Cacak")};
static const sl_mockapi_data_word_t rs_s[] = {
    W("Шумадијски", "Sumadijski"), W("Јужнобачки", "Juznobacki"), W("Нишавски", "Nisavski"),
    W("Златиборски", "Zlatiborski"), W("Сремски", "Sremski")};
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
/* ---- UA (Cyrillic) ---- */
static const sl_mockapi_data_word_t ua_m[] = {W("Олександр", "Oleksandr"), W("Андрій", "Andriy"),
                                              W("Богдан", "Bogdan"),       W("Тарас", "Taras"),
                                              W("Дмитро", "Dmitro"),       W("Ярослав", "Yaroslav"),
                                              W("Остап", "Ostap"),         W("Назар", "Nazar")};
static const sl_mockapi_data_word_t ua_f[] = {W("Олена", "Olena"),      W("Оксана", "Oksana"),
                                              W("Ірина", "Irina"),      W("Марія", "Mariya"),
                                              W("Соломія", "Solomiya"), W("Христина", "Hristina"),
                                              W("Леся", "Lesya"),       W("Дарина", "Darina")};
static const sl_mockapi_data_word_t ua_l[] = {
    W("Шевченко", "Shevchenko"), W("Коваленко", "Kovalenko"),   W("Бондаренко", "Bondarenko"),
    W("Ткаченко", "Tkachenko"),  W("Кравчук", "Kravchuk"),      W("Мельник", "Melnik"),
    W("Поліщук", "Polishchuk"),  W("Литвиненко", "Litvinenko"), W("Гончаренко", "Goncharenko"),
    W("Савчук", "Savchuk")};
static const sl_mockapi_data_word_t ua_st[] = {
    W("Хрещатик", "Khreshchatik"), W("Шевченка", "Shevchenka"),       W("Садова", "Sadova"),
    W("Городоцька", "Gorodocka"),  W("Івана Франка", "Ivana Franka"), W("Миру", "Miru")};
static const sl_mockapi_data_word_t ua_c[] = {W("Київ", "Kiyiv"),      W("Львів", "Lviv"),
                                              W("Одеса", "Odesa"),     W("Харків", "Kharkiv"),
                                              W("Полтава", "Poltava"), W("Чернігів", "Chernigiv")};
static const sl_mockapi_data_word_t ua_s[] = {W("Київська", "Kiyivska"), W("Львівська", "Lvivska"),
                                              W("Одеська", "Odeska"), W("Полтавська", "Poltavska"),
                                              W("Волинська", "Volinska")};
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
#define NUM SL_MOCKAPI_DATA_POSTCODE_NUMBER
#define STR SL_MOCKAPI_DATA_POSTCODE_STRING
#define MIX SL_MOCKAPI_DATA_POSTCODE_MIXED

/* Sorted by code, the order of the real API's list. */
const sl_mockapi_data_nat_t sl_mockapi_data_nats[] = {
    {"AU", "Australia", NAMES(au), "0#-####-####", "04##-###-###", NUM, 200, 9999, NULL, "TFN",
     "#########", 0},
    {"BR", "Brazil", NAMES(br), "(##) ####-####", "(##) #####-####", STR, 0, 0, "#####-###", "CPF",
     "###.###.###-##", 0},
    {"CA", "Canada", NAMES(ca), "###-###-####", "###-###-####", STR, 0, 0, "A#A #A#", "SIN",
     "#########", 0},
    {"CH", "Switzerland", NAMES(ch), "0## ### ## ##", "07# ### ## ##", NUM, 1000, 9999, NULL, "AVS",
     "756.####.####.##", 0},
    {"DE", "Germany", NAMES(de), "0###-#######", "017#-#######", NUM, 10000, 99999, NULL, "SVNR",
     "## ###### A ###", 0},
    {"DK", "Denmark", NAMES(dk), "########", "########", NUM, 1000, 9999, NULL, "CPR",
     "######-####", 0},
    {"ES", "Spain", NAMES(es), "9##-###-###", "6##-###-###", NUM, 10000, 99999, NULL, "DNI",
     "########-A", 0},
    {"FI", "Finland", NAMES(fi), "0#-###-###", "04#-###-##-##", NUM, 10000, 99999, NULL, "HETU",
     "######-###A", 0},
    {"FR", "France", NAMES(fr), "0#-##-##-##-##", "06-##-##-##-##", NUM, 10000, 99999, NULL,
     "INSEE", "############ ##", 0},
    {"GB", "United Kingdom", NAMES(gb), "0##### ######", "07### ######", STR, 0, 0, "AA## #AA",
     "NINO", "AA ## ## ## A", 0},
    {"IE", "Ireland", NAMES(ie), "0##-###-####", "08#-###-####", STR, 0, 0, "A## A#A#", "PPS",
     "#######A", 50},
    {"IN", "India", NAMES(in), "##########", "##########", NUM, 100000, 999999, NULL, "UIDAI",
     "############", 0},
    {"IR", "Iran", NAMES(ir), "0##-########", "09##-###-####", NUM, 10000, 99999, NULL, "", NULL,
     0},
    {"MX", "Mexico", NAMES(mx), "(###) ### ####", "(6##) ### ####", NUM, 10000, 99999, NULL, "NSS",
     "## ## ## ####", 0},
    {"NL", "Netherlands", NAMES(nl), "(0##) #######", "(06) ########", STR, 0, 0, "#### AA", "BSN",
     "########", 30},
    {"NO", "Norway", NAMES(no), "########", "4#######", NUM, 1000, 9999, NULL, "FN", "###########",
     0},
    {"NZ", "New Zealand", NAMES(nz), "(###)-###-####", "(###)-###-####", NUM, 1000, 9999, NULL, "",
     NULL, 0},
    {"RS", "Serbia", NAMES(rs), "0##-####-###", "06#-####-###", STR, 0, 0, "#####", "SID",
     "#########", 0},
    {"TR", "Turkey", NAMES(tr), "(###)-###-####", "(###)-###-####", NUM, 10000, 99999, NULL, "",
     NULL, 0},
    {"UA", "Ukraine", NAMES(ua), "(0##) ###-####", "(09#) ###-####", STR, 0, 0, "#####", "", NULL,
     0},
    {"US", "United States", NAMES(us), "(###) ###-####", "(###) ###-####", MIX, 10000, 99999,
     "#####", "SSN", "###-##-####", 5},
};
const size_t sl_mockapi_data_nat_count =
    sizeof sl_mockapi_data_nats / sizeof sl_mockapi_data_nats[0];

static const sl_mockapi_data_word_t female_titles[] = {L("Miss"), L("Ms"), L("Mrs"), L("Madame"),
                                                       L("Mademoiselle")};
const sl_mockapi_data_list_t sl_mockapi_data_female_titles = LST(female_titles);

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
    {"-10:00", "Hawaii"},
    {"-8:00", "Pacific Time (US & Canada)"},
    {"-7:00", "Mountain Time (US & Canada)"},
    {"-6:00", "Central Time (US & Canada), Mexico City"},
    {"-5:00", "Eastern Time (US & Canada), Bogota, Lima"},
    {"-3:00", "Brazil, Buenos Aires, Georgetown"},
    {"-1:00", "Azores, Cape Verde Islands"},
    {"0:00", "Western Europe Time, London, Lisbon, Casablanca"},
    {"+1:00", "Brussels, Copenhagen, Madrid, Paris"},
    {"+2:00", "Kaliningrad, South Africa"},
    {"+3:00", "Baghdad, Riyadh, Moscow, St. Petersburg"},
    {"+3:30", "Tehran"},
    {"+5:30", "Bombay, Calcutta, Madras, New Delhi"},
    {"+8:00", "Beijing, Perth, Singapore, Hong Kong"},
    {"+9:30", "Adelaide, Darwin"},
    {"+10:00", "Eastern Australia, Guam, Vladivostok"},
    {"+12:00", "Auckland, Wellington, Fiji, Kamchatka"},
};
const size_t sl_mockapi_data_timezone_count =
    sizeof sl_mockapi_data_timezones / sizeof sl_mockapi_data_timezones[0];

int sl_mockapi_data_nat_find(const char *code, size_t len) {
    if (len != 2)
        return -1;
    for (size_t i = 0; i < sl_mockapi_data_nat_count; i++) {
        if (strncasecmp(sl_mockapi_data_nats[i].code, code, 2) == 0)
            return (int)i;
    }
    return -1;
}
