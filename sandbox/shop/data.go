package shop

// surname holds the male and female form of a family name; Czech and Slovak
// surnames change with gender, which families sharing a phone reproduce.
type surname struct{ male, female string }

var czMaleFirst = []string{
	"Jiří", "Jan", "Petr", "Josef", "Pavel", "Martin", "Tomáš", "Jaroslav",
	"Miroslav", "Zdeněk", "Václav", "Michal", "František", "Jakub", "Lukáš",
	"Ondřej", "Radek", "Vojtěch", "Matěj", "Šimon", "Přemysl", "Bořivoj",
}

var czFemaleFirst = []string{
	"Jana", "Marie", "Eva", "Hana", "Anna", "Lenka", "Kateřina", "Věra",
	"Lucie", "Alena", "Petra", "Veronika", "Jaroslava", "Tereza", "Markéta",
	"Zdeňka", "Barbora", "Šárka", "Dagmar", "Radmila", "Žaneta", "Růžena",
}

var czSurnames = []surname{
	{"Novák", "Nováková"}, {"Svoboda", "Svobodová"}, {"Novotný", "Novotná"},
	{"Dvořák", "Dvořáková"}, {"Černý", "Černá"}, {"Procházka", "Procházková"},
	{"Kučera", "Kučerová"}, {"Veselý", "Veselá"}, {"Horák", "Horáková"},
	{"Němec", "Němcová"}, {"Pospíšil", "Pospíšilová"}, {"Hájek", "Hájková"},
	{"Jelínek", "Jelínková"}, {"Král", "Králová"}, {"Růžička", "Růžičková"},
	{"Beneš", "Benešová"}, {"Fiala", "Fialová"}, {"Sedláček", "Sedláčková"},
	{"Doležal", "Doležalová"}, {"Zeman", "Zemanová"}, {"Kolář", "Kolářová"},
	{"Navrátil", "Navrátilová"}, {"Čermák", "Čermáková"}, {"Vaněk", "Vaňková"},
	{"Kříž", "Křížová"}, {"Šťastný", "Šťastná"}, {"Bartoš", "Bartošová"},
	{"Müller", "Müllerová"}, {"Štěpánek", "Štěpánková"}, {"Žák", "Žáková"},
}

var skMaleFirst = []string{
	"Ľubomír", "Juraj", "Peter", "Martin", "Ján", "Jozef", "Miroslav",
	"Dušan", "Štefan", "Ľudovít", "Marián", "Branislav", "Ďurko", "Rastislav",
}

var skFemaleFirst = []string{
	"Zuzana", "Mária", "Katarína", "Ľubica", "Lucia", "Ľudmila", "Jarmila",
	"Monika", "Veronika", "Dáša", "Silvia", "Andrea", "Renáta", "Žofia",
}

var skSurnames = []surname{
	{"Kováč", "Kováčová"}, {"Horváth", "Horváthová"}, {"Varga", "Vargová"},
	{"Tóth", "Tóthová"}, {"Nagy", "Nagyová"}, {"Baláž", "Balážová"},
	{"Molnár", "Molnárová"}, {"Lukáč", "Lukáčová"}, {"Šimko", "Šimková"},
	{"Ďurica", "Ďuricová"}, {"Kollár", "Kollárová"}, {"Ľupták", "Ľuptáková"},
	{"Mráz", "Mrázová"}, {"Hudák", "Hudáková"}, {"Gašparovič", "Gašparovičová"},
	{"Slobodník", "Slobodníková"}, {"Krajčí", "Krajčíová"}, {"Bôrik", "Bôriková"},
}

// city is a municipality with its postal code, written without the space.
type city struct{ name, zip string }

var czCities = []city{
	{"Praha 4", "14000"}, {"Praha 10", "10000"}, {"Brno", "60200"},
	{"Ostrava", "70200"}, {"Plzeň", "30100"}, {"Olomouc", "77900"},
	{"České Budějovice", "37001"}, {"Hradec Králové", "50002"},
	{"Ústí nad Labem", "40001"}, {"Liberec", "46001"}, {"Zlín", "76001"},
	{"Přerov", "75002"}, {"Třebíč", "67401"}, {"Kroměříž", "76701"},
}

var skCities = []city{
	{"Bratislava", "81101"}, {"Košice", "04001"}, {"Žilina", "01001"},
	{"Banská Bystrica", "97401"}, {"Prešov", "08001"}, {"Nitra", "94901"},
	{"Trnava", "91701"}, {"Trenčín", "91101"}, {"Poprad", "05801"},
}

var czStreets = []string{
	"Vinohradská", "Husova", "Komenského", "Nádražní", "Palackého", "Tyršova",
	"Masarykova", "Sokolská", "Žižkova", "Jiráskova", "Školní", "U Potoka",
	"Na Příkopě", "Dlouhá", "Křižíkova", "Třída Svobody", "Štefánikova",
}

var skStreets = []string{
	"Hlavná", "Štúrova", "Mierová", "Záhradnícka", "Obchodná", "Ružová",
	"Dlhá", "Športová", "Nám. SNP", "Jesenského", "Ľudová", "Kpt. Nálepku",
}

var companyStems = []string{
	"Dřevovýroba", "Stavebniny", "Elektro", "Zahradnictví", "Pekařství",
	"Autoservis", "Účetnictví", "Kovovýroba", "Tiskárna", "Čalounictví",
	"Vinařství", "Kavárna", "Truhlářství", "Lékárna", "Stavby",
}

var companyForms = []string{"s.r.o.", "a.s.", "spol. s r.o.", "v.o.s.", "k.s."}

var emailDomains = []string{
	"seznam.cz", "gmail.com", "email.cz", "centrum.cz", "post.cz",
	"azet.sk", "zoznam.sk", "outlook.com", "volny.cz", "icloud.com",
}

// product is a catalogue entry; priceCZK is the unit price with VAT in
// hellers (1/100 CZK).
type product struct {
	name, code, variant string
	priceCZK            int64
	vatRate             int64
}

var catalogue = []product{
	{"Čaj \"Zelený\" & máta", "CAJ-001", "100 g", 14900, 12},
	{"Keramický hrnek Žlutý", "HRN-014", "", 29900, 21},
	{"Dětská čepice <zimní>", "CEP-203", "velikost 3", 34900, 21},
	{"Kuchařka Čtvero ročních období", "KNI-777", "", 49900, 12},
	{"Lněný ubrus 140×180", "UBR-140", "šedá", 89900, 21},
	{"Med květový", "MED-500", "500 g", 18900, 12},
	{"Kávovar Espresso Štěpán", "KAV-900", "", 459000, 21},
	{"Dřevěná hračka – vláček", "HRA-042", "", 64900, 21},
	{"Svíčka s vůní levandule", "SVI-011", "", 15900, 21},
	{"Prací gel Ökö 3 l", "PRA-300", "", 27900, 21},
	{"Batoh Šumava 30 l", "BAT-030", "modrá", 129000, 21},
	{"Vitamín C 500 mg", "VIT-500", "60 tbl.", 19900, 12},
	{"Ponožky bambusové", "PON-007", "39–42", 9900, 21},
	{"Sada nožů Žihadlo", "NOZ-005", "5 ks", 149000, 21},
	{"Olivový olej extra panenský", "OLE-750", "750 ml", 32900, 12},
	{"Stolní lampa Ďáblice", "LAM-120", "", 199000, 21},
	{"Zahradní hadice 25 m", "HAD-025", "", 69900, 21},
	{"Slovenská bryndza", "BRY-250", "250 g", 8900, 12},
}

// fee is a shipping or billing pseudo-item.
type fee struct {
	name, code string
	priceCZK   int64
}

var shippings = []fee{
	{"Zásilkovna – výdejní místo", "ZASILKOVNA", 7900},
	{"PPL – doručení na adresu", "PPL", 12900},
	{"Česká pošta – Balík Na poštu", "CPOST", 10900},
	{"Osobní odběr Praha", "OSOBNI", 0},
	{"DPD Pickup", "DPD", 8900},
}

var billings = []fee{
	{"Převodem", "PREVOD", 0},
	{"Dobírkou", "DOBIRKA", 3900},
	{"Platební kartou online", "KARTA", 0},
	{"Apple Pay / Google Pay", "WALLET", 0},
}

// statuses are the shop's status names; the index is stored per order.
var statuses = []string{
	"Nevyřízená", "Vyřizuje se", "Odeslána", "Vyřízena", "Stornována",
	"Vrácena", "Čeká na platbu",
}

const (
	statusNew      = 0
	statusDone     = 3
	statusCanceled = 4
)

var remarks = []string{
	"Prosím zavolat před doručením.",
	"Nechte u sousedů (Dvořákovi) & děkuji!",
	"Dárek – nepřikládejte fakturu <prosím>.",
	"Doručit po 17:00, zvonek \"Kováčová\".",
	"Fakturu na firmu, IČO viz výše.",
}

var referers = []string{
	"https://www.google.com/search?q=%C4%8Daj+m%C3%A1ta&client=firefox",
	"https://www.heureka.cz/?h[fraze]=hrnek&utm_source=heureka",
	"https://www.facebook.com/?fbclid=IwAR0x&ref=bookmarks",
	"https://www.zbozi.cz/vyrobek/kavovar/?q=kávovar&x=1",
	"",
}
