"""Stop words for tag suggestion: function words and the verbs/adverbs news prose is made of,
for the languages of the shared corpus (and their neighbours). Lower-case, accents as written."""
from __future__ import annotations

import functools

_EN = """a about above after again against ago all almost along already also although always am among an
and another any anyone anything are around as at away back be became because become becomes been
before being below best better between beyond both but by can cannot could did do does doing done
down during each either else enough even ever every everyone everything few first for from further
get gets getting give given gives go goes going gone got had has have having he her here hers herself
him himself his how however i if in including inside instead into is it its itself just last later
least less let like likely made make makes making many may maybe me might more most much must my
myself near nearly neither never new next no nobody none nor not nothing now of off often on once one
only onto or other others otherwise our ours ourselves out over own per perhaps put quite rather
really said same say saying says see seen several shall she should since so some someone something
sometimes soon still such take taken than that the their theirs them themselves then there these they
thing things this those though through thus to today together too toward towards under until up upon
us use used using very via was way we well were what whatever when where whether which while who
whole whom whose why will with within without would yet you your yours yourself yourselves yes
according added adds told tell tells asked asks including include includes called calls came come
comes know knows known want wants wanted went think thinks thought look looks looked found find finds
keep kept left right many much time times year years day days week weeks month months people person
percent part parts lot lots way ways number numbers kind sort point points place places fact facts
still recently report reported reports statement statements news story stories article read reading
image images photo photos picture pictures video videos credit credits caption getty copyright
advertisement subscribe newsletter click share shares comment comments continue monday tuesday
wednesday thursday friday saturday sunday january february march april june july august september
october november december mr mrs ms dr st inc ltd llc corp co jr sr two three four five six seven
eight nine ten hundred thousand million billion"""

_DE = """aber alle allem allen aller alles als also am an ander andere anderen anders auch auf aus bei
beim bin bis bist da dabei damit dann das dass dazu dein dem den denn der des dich die dies diese
diesem diesen dieser dieses doch dort du durch ein eine einem einen einer eines er es etwas euch
euer für gegen gewesen hab habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre im
in indem ins ist jede jedem jeden jeder jedes jetzt kann kein keine können könnte machen man manche
mehr mein mich mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine sich sie
sind so solche soll sollte sondern sonst über um und uns unser unter viel vom von vor war waren warum
was weil welche wenn werde werden wie wieder will wir wird wurde wurden zu zum zur zwar zwischen
sagte sagt heute gestern laut jahr jahren prozent seit schon immer wurde worden"""

_FR = """a ai aie alors au aucun aussi autre aux avec avoir bon car ce cela celle celles celui ces cet
cette ceux chaque ci comme comment dans de des du donc dont elle elles en encore est et été être eu
fait faire fois font hors ici il ils je jusqu la le les leur leurs lui là ma mais me même mes moi
mon ne ni nos notre nous on ont ou où par parce pas peu peut plus pour pourquoi quand que quel quelle
quelles quels qui sa sans se ses si son sont sous sur ta te tes toi ton tous tout toute toutes très tu
un une vos votre vous y à ça après avant selon entre depuis lors aussi ans année années dit déjà"""

_ES = """a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e
el ella ellas ellos en entre era es esa esas ese eso esos esta estaba estado estas este esto estos
fue fueron ha han hasta hay la las le les lo los más me mi mientras muy ni no nos nosotros o otra otras
otro otros para pero poco por porque que quien se sea según ser si sido sin sobre son su sus también
tanto te tiene tienen todo todos tras tu un una uno unos y ya año años dijo además"""

_PT = """a ao aos as até com como da das de dele deles depois do dos e ela elas ele eles em entre era
essa essas esse esses esta estas este estes eu foi foram há isso isto já la lhe mais mas me mesmo meu
minha muito na nas nem no nos nós num numa o os ou para pela pelas pelo pelos por qual quando que
quem se sem ser seu seus sua suas também te tem têm um uma umas uns você vocês às ano anos disse"""

_IT = """a ad agli ai al alla alle allo anche ancora avere aveva c che chi ci come con contro cui da dal
dalla dalle dei del della delle dello di dove e ed era essere fa gli ha hanno i il in io la le lo loro
ma mi nei nel nella nelle no noi non o per perché più quale quando questa queste questi questo se
sei si sia siamo sono su sua sue sui sul sulla suo suoi tra tutti tutto un una uno già anni anno"""

_NL = """aan al als bij dan dat de der deze die dit doch door een en er had heb hebben heeft het hier
hij hoe hun ik in is ja je kan kon maar me meer men met mij mijn na naar niet niets nog nu of om omdat
ons ook op over reeds te tegen toch toen tot u uit uw van veel voor want waren was wat we wel werd
wie wij wordt worden zal ze zei zich zij zijn zo zonder zou"""

_RU = """а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже для
до его ее если есть еще же за здесь и из или им их к как ко когда кто ли либо мне может мы на над
надо наш не него нее нет ни них но ну о об однако он она они оно от очень по под при с со так также
такой там те тем то того тоже той только том ты у уже хотя чего чей чем что чтобы чье чья эта эти это
я год года году лет заявил сообщил"""

_CS = """a aby ale ani ano asi až bez bude budou by byl byla byli bylo být co či další do ho i jak jako
je jeho jejich její jen ještě již jsem jsme jsou k kde když kterou který která které kteří ma má mi mně
mu my na nad ne nebo není nic o od on ona oni ono pak po pod podle pro proto při s se si so ta tak také
tam te tedy ten to toho tom tu tuto ty u už v ve více však z za ze že roku let"""

_ID = """ada adalah agar akan aku anda apa atau bagi bahwa banyak belum bisa dalam dan dapat dari dengan
di dia harus hingga ia ini itu jika juga kami kamu karena ke kita lagi lain lebih maka masih mereka
namun oleh pada para saat saja sangat satu sebagai sebelum sedang sejak selama semua sendiri seperti
setelah sudah tahun tak tapi telah tentang tersebut tidak untuk waktu yaitu yang"""

_PL = """a aby ale bez bo być był była było były co czy dla do gdy go i ich im jak jako je jego jej jest
jeszcze już każdy kiedy która które którego który ma mi może na nad nie nich nim niż o od on ona one
oni oraz po pod przez przy się są ta tak także tam te tego tej ten to tu tylko w we więc z za że roku"""

_SV = """alla att av blev bli de dem den denna deras dess det detta du efter eller en ett för från ha
hade han hans har hon honom hur här i icke inte jag kan man med men mig min mot mycket ni nu när och
om oss på sedan sig sin sina själv skulle som så till under upp ut utan vad var vara varit vi vid år"""

STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {"en": _EN, "de": _DE, "fr": _FR, "es": _ES, "pt": _PT, "it": _IT, "nl": _NL,
                        "ru": _RU, "cs": _CS, "id": _ID, "pl": _PL, "sv": _SV}.items()
}
# English function words are everywhere (quotes, brand names, mixed pages): always on.
ALWAYS = STOPWORDS["en"]


def for_language(lang: str | None, sample_words: list[str]) -> frozenset[str]:
    """Stop words for the declared language, or for the language whose stop words cover the
    most of `sample_words` when none is declared."""
    code = (lang or "").lower().split("-")[0]
    if code not in STOPWORDS and sample_words:
        counts = {c: sum(1 for w in sample_words if w in s) for c, s in STOPWORDS.items()}
        code = max(counts, key=counts.get)
    return _with_english(code)


@functools.lru_cache(maxsize=None)
def _with_english(code: str) -> frozenset[str]:
    return ALWAYS | STOPWORDS.get(code, frozenset())
