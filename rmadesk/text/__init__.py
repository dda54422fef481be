"""Display text: translation and the formatting of numbers, money and times."""
