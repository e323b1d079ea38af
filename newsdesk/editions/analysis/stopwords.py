"""Function words that carry no topic, per language (compared with normalised words)."""

# ruff: noqa: SIM905 - word lists read better as text

EN = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them themselves
    then there these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your yours yourself yourselves said says say mr mrs
    ms would could also one two new year years told may might must shall us get got many much""".split()
)

RU = frozenset(
    """и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее
    мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был
    него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней
    для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того
    потому этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем
    всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего
    них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя
    такой им более всегда конечно всю между это также который которые которая которое которых
    свой весь мочь год также сообщать отметить заявить стать иметь очень быть являться""".split()
)

KK = frozenset(
    """және мен да де та те ол бұл сол осы ал бірақ үшін деп еді екен болып болды бола болса
    қана ғана бар жоқ емес не немесе әрі тағы да дейін кейін соң бойынша туралы арқылы сияқты
    ретінде сондай ие иә бір екі оның олар біз сіз сен мен бізге оған соны мұны бұның осыны
    барлық әр кез кезде кезінде тиіс керек мүмкін ма ме ба бе па пе ғой шейін қарай жылы""".split()
)

BY_LANGUAGE = {"en": EN, "ru": RU, "kk": KK}
