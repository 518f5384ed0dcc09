package io.stowage.accounts;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** A {@link Role} as {@code team_roles.role} holds it: its label ({@code reader}, ..., {@code owner}). */
@Converter
class RoleColumn implements AttributeConverter<Role, String> {

    @Override
    public String convertToDatabaseColumn(Role role) {
        return role == null ? null : role.label();
    }

    @Override
    public Role convertToEntityAttribute(String label) {
        return label == null ? null : Role.of(label);
    }
}
