"""A word-level tokenizer for GuideLLM's synthetic prompts (Faker's English lorem words), saved
where ``--tokenizer kind=hf_auto,model=DIR`` loads it: one token per whitespace-separated word,
so GuideLLM's prompt sizes equal the simulator's word count. Usage: python guidellm_tokenizer.py DIR
"""

import sys

from faker.providers.lorem.en_US import Provider
from tokenizers import Tokenizer, decoders, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast

vocab = {"[UNK]": 0, "[PAD]": 1}
for w in list(Provider.word_list) + [str(i) for i in range(10000)] + [f"m{i}" for i in range(100)]:
    for v in (w, w.capitalize(), w + ".", w.capitalize() + ".", w + ",", w + ":"):
        vocab.setdefault(v, len(vocab))
tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
tok.decoder = decoders.WordPiece()  # joins words with spaces
PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]").save_pretrained(sys.argv[1])
