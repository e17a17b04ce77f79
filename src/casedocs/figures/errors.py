"""The one error the figure pipeline raises for a source image an author must fix."""


class ImageProblem(ValueError):
    """A source image that cannot be used; the message is written for the case author."""
