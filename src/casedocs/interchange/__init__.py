"""Cases in and out of other teaching-file systems (RSNA MIRC): import writes a case file and
its images, export writes what the other system accepts."""
