"""The text library at the bottom of the stack: Chinese text (segmentation, script conversion, pinyin), the
CC-CEDICT dictionary, English aliases, language codes and detection, reading display and the Chinese name
studio. Plain functions over strings and packaged data: no models, no settings-dependent state, and no import
of any other Hongshu package, so every app may use it."""
