#!/usr/bin/env python3
"""Points the Helm chart at a new image: rewrites image.repository and image.tag in values.yaml.

    python deploy/bump-image-tag.py docker.io/me/workout-api sha-0123abc [deploy/helm/workout-api/values.yaml]

CI runs it after pushing an image, then commits the file; ArgoCD sees the commit and rolls out.
Only those two lines change (comments and layout stay), and the result is checked by parsing.
"""

import re
import sys
from pathlib import Path

DEFAULT_VALUES = Path(__file__).resolve().parent / "helm" / "workout-api" / "values.yaml"
TAG = re.compile(r"^[\w][\w.-]{0,127}$")


def bump(text: str, repository: str, tag: str) -> str:
    if not TAG.match(tag):
        raise ValueError(f"not a valid image tag: {tag!r}")
    block = re.search(r"^image:\n((?:[ \t]+.*\n|\n)*)", text, flags=re.MULTILINE)
    if not block:
        raise ValueError("values.yaml has no top-level `image:` block")
    body = block.group(1)
    for key, value in (("repository", repository), ("tag", tag)):
        body, count = re.subn(
            rf"^(  {key}:)[^\n#]*?([ \t]+#[^\n]*)?$", rf'\g<1> "{value}"\g<2>', body, count=1, flags=re.MULTILINE
        )
        if count != 1:
            raise ValueError(f"values.yaml has no image.{key}")
    return text[: block.start(1)] + body + text[block.end(1) :]


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    repository, tag = argv[0], argv[1]
    path = Path(argv[2]) if len(argv) == 3 else DEFAULT_VALUES
    new = bump(path.read_text(), repository, tag)
    import yaml  # only to verify the result

    image = yaml.safe_load(new)["image"]
    assert image["repository"] == repository and image["tag"] == tag, image
    path.write_text(new)
    print(f"{path}: image {repository}:{tag}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
