"""What every part of the benchmark does with its figures: print the markdown, keep it
and the raw numbers in the state folder (bench/run.sh builds results.md from the .md)."""

import json
import os


def keep(state, stem, text, data):
    """Prints TEXT, writes it to STATE/STEM.md and DATA to STATE/STEM.json."""
    print(text)
    with open(os.path.join(state, f"{stem}.md"), "w") as f:
        f.write(text)
    with open(os.path.join(state, f"{stem}.json"), "w") as f:
        json.dump(data, f, indent=1)
