from . import huatai_complaint_document_report
from . import huatai_complaint_recording
