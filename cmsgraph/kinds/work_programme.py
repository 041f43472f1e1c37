from ..model import WorkProgramme
from ._base import Kind

KIND = Kind("work-programme", "programme of work", WorkProgramme, lambda d: False, None, None)
