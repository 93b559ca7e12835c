"""Chat abbreviations per language, as users type them, mapped to the words they stand for.

Keys are accent-folded lower-case tokens; values keep their accents because the sentence
encoder reads them (the TF-IDF features fold accents again).
"""

from __future__ import annotations

PT: dict[str, str] = {
    "vc": "você", "vcs": "vocês", "voce": "você", "voces": "vocês", "ce": "você", "oce": "você",
    "pq": "porque", "pqp": "porque", "porq": "porque", "xq": "por que",
    "tb": "também", "tbm": "também", "tmb": "também", "tambem": "também",
    "q": "que", "oq": "o que", "oque": "o que", "qq": "qualquer", "ql": "qual",
    "blz": "beleza", "vlw": "valeu", "flw": "falou", "td": "tudo", "tds": "todos", "hj": "hoje",
    "msg": "mensagem", "msgs": "mensagens", "qd": "quando", "qdo": "quando", "qnd": "quando",
    "qto": "quanto", "qnt": "quanto", "qts": "quantos", "cmg": "comigo", "ctg": "contigo",
    "n": "não", "nao": "não", "ñ": "não", "mt": "muito", "mto": "muito", "mts": "muitos",
    "obg": "obrigado", "obgd": "obrigado", "obgda": "obrigada", "brigado": "obrigado",
    "pf": "por favor", "pfv": "por favor", "pfvr": "por favor", "plmdds": "pelo amor de deus",
    "kd": "cadê", "cade": "cadê", "ta": "está", "tá": "está", "to": "estou", "tô": "estou",
    "tamo": "estamos", "tava": "estava", "pra": "para", "pro": "para o", "pros": "para os",
    "dps": "depois", "agr": "agora", "vdd": "verdade", "fds": "fim de semana", "bj": "beijo",
    "bjs": "beijos", "cel": "celular", "ngm": "ninguém", "alg": "alguém", "p": "para",
    "add": "adicionar", "qr": "quer", "qro": "quero", "msm": "mesmo", "mds": "meu deus",
    "abs": "abraços", "eh": "é", "hr": "hora", "hrs": "horas", "min": "minutos", "vo": "vou",
    "tao": "estão", "tão": "estão", "entao": "então", "net": "internet", "end": "endereço",
    "info": "informação", "infos": "informações", "tel": "telefone", "zap": "whatsapp",
    "wpp": "whatsapp", "ola": "olá",
}

ES: dict[str, str] = {
    "q": "que", "k": "que", "ke": "que", "xq": "porque", "pq": "porque", "porq": "porque",
    "tb": "también", "tmb": "también", "tambien": "también", "xfa": "por favor", "porfa": "por favor",
    "pf": "por favor", "plis": "por favor", "d": "de", "x": "por", "tqm": "te quiero mucho",
    "bn": "bien", "msj": "mensaje", "aki": "aquí", "aqui": "aquí", "nd": "nada", "salu2": "saludos",
    "finde": "fin de semana", "dnd": "dónde", "donde": "dónde", "cdo": "cuando", "grax": "gracias",
    "grs": "gracias", "toy": "estoy", "tas": "estás", "ta": "está", "pa": "para", "xa": "para",
    "ola": "hola", "tmbn": "también", "nse": "no sé", "ns": "no sé", "hr": "hora", "hrs": "horas",
    "info": "información", "tel": "teléfono", "cel": "celular", "wsp": "whatsapp",
    "n": "no", "m": "me", "t": "te", "sq": "es que", "dsp": "después", "ntp": "no te preocupes",
}

EN: dict[str, str] = {
    "u": "you", "ur": "your", "r": "are", "pls": "please", "plz": "please", "thx": "thanks",
    "thnx": "thanks", "ty": "thank you", "y": "why", "b4": "before", "2day": "today",
    "2moro": "tomorrow", "tmrw": "tomorrow", "tmr": "tomorrow", "idk": "i do not know",
    "im": "i am", "ive": "i have", "dont": "do not", "doesnt": "does not", "didnt": "did not",
    "cant": "cannot", "wont": "will not", "isnt": "is not", "wanna": "want to", "gonna": "going to",
    "gotta": "got to", "btw": "by the way", "asap": "as soon as possible", "msg": "message",
    "acct": "account", "pwd": "password", "info": "information", "hrs": "hours", "hr": "hour",
    "mins": "minutes", "min": "minutes", "ppl": "people", "bc": "because", "cuz": "because",
    "coz": "because", "abt": "about", "w": "with", "wo": "without", "txt": "text", "nvm": "never mind",
    "k": "ok", "kk": "ok", "okay": "ok", "yep": "yes", "yeah": "yes", "ya": "yes", "nope": "no",
    "whats": "what is", "wheres": "where is", "hows": "how is", "thats": "that is", "theres": "there is",
}

ABBREVIATIONS: dict[str, dict[str, str]] = {"pt": PT, "es": ES, "en": EN}
"""Abbreviation maps keyed by language code."""
