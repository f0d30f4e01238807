package shop

import "strings"

// folds maps the Czech, Slovak and German letters the generator uses onto
// ASCII, keeping case.
var folds = strings.NewReplacer(
	"á", "a", "č", "c", "ď", "d", "é", "e", "ě", "e", "í", "i", "ň", "n",
	"ó", "o", "ř", "r", "š", "s", "ť", "t", "ú", "u", "ů", "u", "ý", "y",
	"ž", "z", "ľ", "l", "ĺ", "l", "ô", "o", "ä", "a", "ŕ", "r", "ö", "o",
	"ü", "u", "Á", "A", "Č", "C", "Ď", "D", "É", "E", "Ě", "E", "Í", "I",
	"Ň", "N", "Ó", "O", "Ř", "R", "Š", "S", "Ť", "T", "Ú", "U", "Ů", "U",
	"Ý", "Y", "Ž", "Z", "Ľ", "L", "Ĺ", "L", "Ô", "O", "Ä", "A", "Ŕ", "R",
	"Ö", "O", "Ü", "U",
)

func fold(s string) string { return folds.Replace(s) }

func foldLower(s string) string { return strings.ToLower(fold(s)) }

// nameKey is how the identity rules compare billing names: case and
// diacritics do not count.
func nameKey(s string) string { return strings.Join(strings.Fields(foldLower(s)), " ") }
