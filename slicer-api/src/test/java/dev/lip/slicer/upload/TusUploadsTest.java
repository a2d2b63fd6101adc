package dev.lip.slicer.upload;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TusUploadsTest {
    /**
     * Issue 23: the library takes {@code /uploads/ABC...} for the upload {@code abc...}; the 423 check keyed them
     * apart, so a second PATCH in upper case got past it.
     */
    @Test
    void anUploadIdIsOneKeyWhateverItsCase() {
        String id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        assertEquals(id, TusUploads.uploadId(TusUploads.PATH + "/" + id));
        assertEquals(id, TusUploads.uploadId(TusUploads.PATH + "/" + id.toUpperCase()));
        assertEquals("not-a-uuid", TusUploads.uploadId(TusUploads.PATH + "/not-a-uuid"));
        assertNull(TusUploads.uploadId(TusUploads.PATH));
    }
}
