package dev.prodstack.service.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Request bodies: the JSON reading rules (strict) and the field rules (Bean Validation). */
class UserBodiesTest {
    private static final ObjectMapper MAPPER = ApiJson.configure(Jackson.newObjectMapper());
    private static final Validator VALIDATOR = Validators.newValidator();

    private static Set<ConstraintViolation<NewUser>> violations(String username, String email) {
        return VALIDATOR.validate(new NewUser(username, email));
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "a.b-c_d", "ABC123", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
    void acceptsUsernames(String username) {
        assertThat(violations(username, "a@example.com")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "ab",
                "a b",
                "josé",
                "a/b",
                "a;b",
                "a\u0000b",
                "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            })
    void refusesUsernames(String username) {
        assertThat(violations(username, "a@example.com"))
                .extracting(v -> v.getPropertyPath().toString())
                .containsOnly("username");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a@example.com", "first.last+tag@mail.example.co.uk", "o'brien@example.com"})
    void acceptsEmails(String email) {
        assertThat(violations("abc", email)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "plain",
                "@example.com",
                "a@",
                "a@localhost",
                "a b@example.com",
                "a@-x.com",
                "jösé@example.com"
            })
    void refusesEmails(String email) {
        assertThat(violations("abc", email))
                .extracting(v -> v.getPropertyPath().toString())
                .containsOnly("email");
    }

    @Test
    void refusesEmailsLongerThan254() {
        assertThat(violations("abc", "a".repeat(243) + "@example.com")).isNotEmpty();
        assertThat(violations("abc", "a".repeat(242) + "@example.com")).isEmpty();
    }

    @Test
    void jsonIsReadStrictly() {
        assertThatThrownBy(() -> MAPPER.readValue("{\"username\":123,\"email\":\"a@example.com\"}", NewUser.class))
                .isInstanceOf(MismatchedInputException.class);
        assertThatThrownBy(() -> MAPPER.readValue("{\"username\":null,\"email\":\"a@example.com\"}", NewUser.class))
                .isInstanceOf(InvalidNullException.class);
        assertThatThrownBy(() ->
                        MAPPER.readValue("{\"username\":\"abc\",\"email\":\"a@example.com\",\"x\":1}", NewUser.class))
                .isInstanceOf(UnrecognizedPropertyException.class);
    }

    @Test
    void patchTellsAbsentFromNull() throws Exception {
        final UserPatch patch = MAPPER.readValue("{\"email\":\"a@example.com\"}", UserPatch.class);
        assertThat(patch.username()).isNull();
        assertThat(patch.isEmpty()).isFalse();
        assertThat(MAPPER.readValue("{}", UserPatch.class).isEmpty()).isTrue();
        assertThatThrownBy(() -> MAPPER.readValue("{\"email\":null}", UserPatch.class))
                .isInstanceOf(InvalidNullException.class);
    }
}
